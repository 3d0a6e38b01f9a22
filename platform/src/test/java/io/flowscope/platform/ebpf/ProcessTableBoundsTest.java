package io.flowscope.platform.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The process table keeps to its capacity: reading a host with more processes evicts the oldest, counted. */
class ProcessTableBoundsTest {

    @Test
    void aHostWithMoreProcessesThanTheCapacityKeepsTheNewestAndCountsTheRest() {
        ProcessTable all = new ProcessTable(1 << 20);
        all.loadFromProc();
        int capacity = Math.max(2, all.size() / 4);
        ProcessTable t = new ProcessTable(capacity);
        t.loadFromProc();
        assertThat(t.size()).isLessThanOrEqualTo(capacity);
        assertThat(t.evictions()).isPositive();
        assertThat(t.size() + t.evictions()).isGreaterThanOrEqualTo(all.size() - 5); // processes may come and go meanwhile
        // the newest process (this JVM is not the oldest) is kept over init, started first
        assertThat(t.get(1)).isNull();
        assertThat(t.get((int) ProcessHandle.current().pid())).isNotNull();
    }
}
