package io.flowscope.platform.l7;

import io.flowscope.platform.flow.Flow;

/** Where finished flows and L7 records go (the store's writers). Called on the pipeline's thread. */
public interface RecordSink {

    /** A finished flow, with its L7 counters filled. */
    void flow(Flow flow);

    /** One l7_flow_log row. */
    void l7(L7Record record);
}
