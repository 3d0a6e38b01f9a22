package io.flowscope.platform.l7;

import io.flowscope.platform.flow.FlowReport;

/** Where flow reports and L7 records go (the store's writers). Called on the pipeline's thread. */
public interface RecordSink {

    /** One l4_flow_log row: a flow's final report, or a forced report of one that lives on. */
    void flow(FlowReport report);

    /** One l7_flow_log row. */
    void l7(L7Record record);
}
