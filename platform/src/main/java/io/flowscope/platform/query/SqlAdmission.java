package io.flowscope.platform.query;

import io.flowscope.platform.api.ClientErrorException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * How many SQL queries run at once ({@code flowscope.sql.max-concurrent}) and how many may wait for a turn
 * ({@code flowscope.sql.max-queued}, at most {@code flowscope.sql.max-queue-wait-ms}); the rest are answered
 * 429 at once, so waiting queries never hold the web server's threads that health checks and the other
 * endpoints need.
 */
@Component
class SqlAdmission {

    private final Semaphore running;
    private final int maxQueued;
    private final long maxWaitMillis;
    private final AtomicInteger queued = new AtomicInteger();

    SqlAdmission(@Value("${flowscope.sql.max-concurrent:2}") int maxConcurrent,
            @Value("${flowscope.sql.max-queued:8}") int maxQueued,
            @Value("${flowscope.sql.max-queue-wait-ms:5000}") long maxWaitMillis) {
        if (maxConcurrent < 1 || maxQueued < 0 || maxWaitMillis < 0) {
            throw new IllegalArgumentException("flowscope.sql.max-concurrent must be ≥ 1, max-queued and max-queue-wait-ms ≥ 0");
        }
        this.running = new Semaphore(maxConcurrent, true);
        this.maxQueued = maxQueued;
        this.maxWaitMillis = maxWaitMillis;
    }

    /** A turn to run one query; close it when the query is done. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    Permit enter() throws InterruptedException {
        if (!running.tryAcquire()) {
            if (queued.incrementAndGet() > maxQueued) {
                queued.decrementAndGet();
                throw ClientErrorException.busy("sql: too many queries at once; try again shortly");
            }
            try {
                if (!running.tryAcquire(maxWaitMillis, TimeUnit.MILLISECONDS)) {
                    throw ClientErrorException.busy("sql: too many queries at once; try again shortly");
                }
            } finally {
                queued.decrementAndGet();
            }
        }
        return running::release;
    }
}
