package io.flowscope.platform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Row ids that need no reading back: unique across threads, generators (nodes) and restarts. */
class TimeIdsTest {

    @Test
    void idsAreUniqueAcrossThreadsAndNodesAndSortByTime() throws Exception {
        Set<Long> all = ConcurrentHashMap.newKeySet();
        TimeIds a = new TimeIds(1);
        TimeIds b = new TimeIds(2);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            TimeIds g = t % 2 == 0 ? a : b;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 100_000; i++) {
                    all.add(g.next());
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(all).hasSize(400_000);
        long before = System.currentTimeMillis();
        long id = a.next();
        assertThat(TimeIds.millis(id)).isBetween(before - 5_000, System.currentTimeMillis() + 5_000);
        assertThat(a.next()).isGreaterThan(id);
    }

    @Test
    void aRestartedStoreDoesNotReuseIds() {
        Set<Long> seen = new HashSet<>();
        for (int restart = 0; restart < 3; restart++) {
            TimeIds g = new TimeIds(7); // the same node after a restart: the clock has moved on
            for (int i = 0; i < 10_000; i++) {
                assertThat(seen.add(g.next())).isTrue();
            }
            long until = System.currentTimeMillis() + 5; // longer than the 10,000 ids ran ahead of the clock (2.5 ms)
            while (System.currentTimeMillis() < until) {
                Thread.onSpinWait();
            }
        }
        assertThatThrownBy(() -> new TimeIds(1024)).hasMessageContaining("0-1023");
    }
}
