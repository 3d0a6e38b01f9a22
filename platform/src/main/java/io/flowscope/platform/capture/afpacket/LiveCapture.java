package io.flowscope.platform.capture.afpacket;

import io.flowscope.platform.pipeline.Pipeline;
import io.flowscope.platform.pipeline.Pipelines;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live capture of one interface: an {@link AfPacketRing} read by a thread of its own that drives a live
 * {@link Pipeline} (frames in place from the ring, a tick after every poll, so rows commit within a second
 * even on a quiet link). Flows carry the interface's index as {@code capture_nic}. {@link #close()} stops the thread, which finishes the pipeline (every open flow
 * reported) and releases the ring. Counters are safe to read from any thread.
 */
public final class LiveCapture implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveCapture.class);
    private static final int POLL_MILLIS = 100;

    private final AfPacketRing ring;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile long packets;
    private volatile long bytes;
    private volatile long undecodable;
    private volatile long kernelDrops;
    private volatile long queueFreezes;
    private volatile Throwable failure;

    private LiveCapture(AfPacketRing ring, Pipeline pipeline) {
        this.ring = ring;
        this.thread = new Thread(() -> run(pipeline), "flowscope-capture-" + ring.interfaceName());
        this.thread.setDaemon(true);
    }

    /**
     * Opens the interface's ring (with the filter compiled for its link type) and starts reading.
     *
     * @param filter tcpdump syntax, or null or blank for everything
     * @throws IOException when the ring cannot be opened (no privilege, no such interface, no libpcap)
     * @throws IllegalArgumentException when the filter is not valid (libpcap's message)
     */
    public static LiveCapture start(Pipelines pipelines, String interfaceName, RingSettings settings, String filter)
            throws IOException, java.sql.SQLException {
        AfPacketRing ring = AfPacketRing.open(interfaceName, settings, filter);
        Pipeline pipeline;
        try {
            pipeline = pipelines.open("capture " + interfaceName, pipelines.liveSettings());
        } catch (java.sql.SQLException | RuntimeException e) {
            ring.close();
            throw e;
        }
        LiveCapture c = new LiveCapture(ring, pipeline);
        c.thread.start();
        log.info("capturing on {} (filter: {})", interfaceName, filter == null || filter.isBlank() ? "none" : filter);
        return c;
    }

    /**
     * Several readers on one interface, spread by PACKET_FANOUT in hash mode: the kernel sends both directions
     * of a flow to the same reader (its flow hash is symmetric), so each reader's pipeline sees whole flows.
     * With one reader, no fanout group is made.
     */
    public static java.util.List<LiveCapture> startReaders(Pipelines pipelines, String interfaceName, RingSettings settings,
                                                           String filter, int readers) throws IOException, java.sql.SQLException {
        if (readers < 1) {
            throw new IllegalArgumentException("readers must be at least 1");
        }
        RingSettings s = settings;
        if (readers > 1) {
            // one group per process and interface: another Flowscope, or another interface, is another group
            int group = (int) ((ProcessHandle.current().pid() * 31 + interfaceName.hashCode()) & 0x7fff) + 1;
            s = new RingSettings(settings.blockSize(), settings.blockCount(), settings.blockTimeoutMs(),
                    settings.snapLength(), settings.promiscuous(), group);
        }
        java.util.List<LiveCapture> started = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < readers; i++) {
                started.add(start(pipelines, interfaceName, s, filter));
            }
        } catch (IOException | java.sql.SQLException | RuntimeException e) {
            started.forEach(LiveCapture::close);
            throw e;
        }
        return started;
    }

    private void run(Pipeline pipeline) {
        long lastStats = 0;
        try (pipeline) {
            while (running) {
                ring.read(pipeline.frames(), ring.interfaceIndex(), POLL_MILLIS);
                pipeline.tick();
                long now = System.nanoTime();
                if (now - lastStats >= 1_000_000_000L) {
                    lastStats = now;
                    stats();
                }
                counts(pipeline);
            }
            // what the kernel queued before the stop is read too, the block it was still filling included
            ring.drain(pipeline.frames(), ring.interfaceIndex());
            counts(pipeline);
            stats();
        } catch (Throwable t) {
            failure = t;
            log.error("capture on {} stopped", ring.interfaceName(), t);
        } finally {
            ring.close();
            stopped.countDown();
        }
    }

    private void counts(Pipeline pipeline) {
        packets = ring.packets();
        bytes = ring.bytes();
        undecodable = pipeline.undecodableFrames();
    }

    private void stats() throws IOException {
        long[] s = ring.statistics();
        kernelDrops = s[1];
        queueFreezes = s[2];
    }

    public String interfaceName() {
        return ring.interfaceName();
    }

    /** Frames read from the ring. */
    public long packets() {
        return packets;
    }

    /** Bytes of those frames on the wire. */
    public long bytes() {
        return bytes;
    }

    /** Frames that could not be decoded. */
    public long undecodableFrames() {
        return undecodable;
    }

    /** Frames the kernel dropped because the ring was full. */
    public long kernelDrops() {
        return kernelDrops;
    }

    public long queueFreezes() {
        return queueFreezes;
    }

    /** What stopped the capture thread, or null while it runs or after a clean stop. */
    public Throwable failure() {
        return failure;
    }

    public boolean isRunning() {
        return running && stopped.getCount() > 0;
    }

    /** Stops reading, reports every open flow, commits, and releases the socket and its mapping. */
    @Override
    public void close() {
        running = false;
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
