package io.flowscope.plugins.kafka;

/**
 * The requests of one connection waiting for their responses: correlation id → api key and version, oldest
 * first. A broker answers a connection's requests in the order it got them, so the answer is almost always the
 * oldest; requests older than the one answered will never be (their responses were lost) and are dropped. At
 * most {@link #MAX} wait (the host pairs no more either); grown from small so that an idle connection holds little.
 */
final class Pending {

    static final int MAX = 1024;

    private int[] correlation = new int[8];
    private int[] apiVersion = new int[8];
    private int head;
    private int size;

    void add(int correlationId, int key, int version) {
        if (size == correlation.length) {
            if (size == MAX) {
                head = (head + 1) % size;
                size--;
            } else {
                grow();
            }
        }
        int i = (head + size) % correlation.length;
        correlation[i] = correlationId;
        apiVersion[i] = key << 16 | (version & 0xffff);
        size++;
    }

    private void grow() {
        int[] c = new int[correlation.length * 2];
        int[] a = new int[c.length];
        for (int k = 0; k < size; k++) {
            c[k] = correlation[(head + k) % correlation.length];
            a[k] = apiVersion[(head + k) % correlation.length];
        }
        correlation = c;
        apiVersion = a;
        head = 0;
    }

    /** Whether a request with this id waits. */
    boolean contains(int correlationId) {
        return indexOf(correlationId) >= 0;
    }

    private int indexOf(int correlationId) {
        for (int k = 0; k < size; k++) {
            if (correlation[(head + k) % correlation.length] == correlationId) {
                return k;
            }
        }
        return -1;
    }

    /** Removes the request with this id (and the older ones) and gives {@code key << 16 | version}, or -1. */
    int take(int correlationId) {
        int k = indexOf(correlationId);
        if (k < 0) {
            return -1;
        }
        int v = apiVersion[(head + k) % correlation.length];
        head = (head + k + 1) % correlation.length;
        size -= k + 1;
        return v;
    }

    long retainedBytes() {
        return 8L * correlation.length;
    }
}
