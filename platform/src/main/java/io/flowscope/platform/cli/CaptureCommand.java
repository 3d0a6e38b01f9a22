package io.flowscope.platform.cli;

import io.flowscope.platform.capture.PcapngWriter;
import io.flowscope.platform.capture.afpacket.AfPacketRing;
import io.flowscope.platform.capture.afpacket.RingSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowscope capture -i IFACE [-f FILTER] [-c COUNT] [-G SECONDS] -w FILE.pcapng}: what one interface
 * carries, through the same AF_PACKET ring and kernel filter as live capture, into a pcapng file (nanosecond
 * timestamps) that Wireshark, tshark and {@code flowscope import} read. Ends after COUNT packets, after
 * SECONDS, or on Ctrl-C or SIGTERM; then prints packets, bytes and the kernel's drops.
 */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = "Capture an interface into a pcapng file (needs root or CAP_NET_RAW).")
final class CaptureCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "-i", required = true, paramLabel = "IFACE", description = "interface to capture (e.g. lo, eth0)")
    String interfaceName;

    @Option(names = "-f", paramLabel = "FILTER", description = "capture filter in tcpdump syntax")
    String filter;

    @Option(names = "-c", paramLabel = "COUNT", description = "stop after this many packets")
    Long count;

    @Option(names = "-G", paramLabel = "SECONDS", description = "stop after this many seconds")
    Double seconds;

    @Option(names = "-s", paramLabel = "SNAPLEN", defaultValue = "65535", description = "bytes kept of each packet (default: ${DEFAULT-VALUE})")
    int snapLength;

    @Option(names = "-w", required = true, paramLabel = "FILE", description = "the pcapng file to write")
    Path file;

    private volatile boolean stop;

    @Override
    public Integer call() throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C or SIGTERM: the JVM exits as soon as its shutdown hooks return, so this one waits for the loop
        // to end, the file to get its last packets and the summary to be printed (a bounded wait: a capture stuck
        // in a system call must not keep the JVM from exiting)
        Thread hook = new Thread(() -> {
            stop = true;
            try {
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "flowscope-capture-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return capture(hook);
        } finally {
            finished.countDown();
        }
    }

    private int capture(Thread hook) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        RingSettings d = RingSettings.defaults();
        RingSettings settings = new RingSettings(d.blockSize(), d.blockCount(), d.blockTimeoutMs(), snapLength, false, 0);
        long deadline = seconds == null ? Long.MAX_VALUE : System.nanoTime() + (long) (seconds * 1e9);
        long[] stats;
        long packets;
        long bytes;
        try (AfPacketRing ring = AfPacketRing.open(interfaceName, settings, filter);
             PcapngWriter out = new PcapngWriter(file, interfaceName, ring.linkType(), snapLength)) {
            err.println("flowscope capture: listening on " + interfaceName + (filter == null || filter.isBlank() ? "" : " (" + filter + ")"));
            err.flush();
            long limit = count == null ? Long.MAX_VALUE : count;
            AfPacketRing.NanoFrameSink sink = (b, off, cap, len, ns, tci) -> {
                if (out.packets() < limit) {
                    try {
                        out.frame(b, off, cap, len, ns, tci);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
            while (!stop && out.packets() < limit && System.nanoTime() < deadline) {
                ring.read(sink, 100);
            }
            ring.drain(sink); // what was queued before the end, the block the kernel was still filling included
            out.flush();
            stats = ring.statistics();
            packets = out.packets();
            bytes = out.bytes();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C or SIGTERM: the hook is running, and waits for the summary below
            }
        }
        err.printf("flowscope capture: %,d packets (%,d bytes) written to %s; %,d dropped by the kernel%n",
                packets, bytes, file, stats[1]);
        err.flush();
        return 0;
    }
}
