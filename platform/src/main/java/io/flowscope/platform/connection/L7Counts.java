package io.flowscope.platform.connection;

/**
 * What the L7 side counted on one connection so far (cumulative). Written by the pipeline thread only;
 * a flow report copies it, so nothing mutable crosses to the store's writer thread.
 */
public final class L7Counts {
    /** DeepFlow's l7_protocol of the connection, 0 while unknown. */
    public int l7Protocol;
    /** The first request domain seen (HTTP Host …), or null. */
    public String requestDomain;
    public long requests;
    public long responses;
    public long clientErrors;
    public long serverErrors;
    public long timeouts;
    public long parseFailed;
}
