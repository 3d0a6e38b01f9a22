package io.flowscope.platform.testing;

import io.flowscope.platform.ebpf.ProcessEvent;
import io.flowscope.platform.flow.FlowReport;
import io.flowscope.platform.l7.L7Record;
import io.flowscope.platform.metrics.network.NetworkMapRow;
import io.flowscope.platform.metrics.network.NetworkRow;
import io.flowscope.platform.store.RowWriter;
import java.util.ArrayList;
import java.util.List;

/** A row writer that keeps the rows in memory, for tests of the pipeline without a store. */
public final class CollectingWriter implements RowWriter {
    public final List<FlowReport> flows = new ArrayList<>();
    public final List<L7Record> requests = new ArrayList<>();
    public final List<ProcessEvent> processEvents = new ArrayList<>();
    public final List<NetworkMapRow> networkMap = new ArrayList<>();
    public final List<NetworkRow> network = new ArrayList<>();

    @Override
    public void flow(FlowReport report) {
        flows.add(report);
    }

    @Override
    public void l7(L7Record record) {
        requests.add(record);
    }

    @Override
    public void processEvent(ProcessEvent event) {
        processEvents.add(event);
    }

    @Override
    public void networkMap(NetworkMapRow row) {
        networkMap.add(row);
    }

    @Override
    public void network(NetworkRow row) {
        network.add(row);
    }

    @Override
    public void commitOlderThan(long ageNanos) {
    }

    @Override
    public long batches() {
        return 0;
    }

    @Override
    public void close() {
    }
}
