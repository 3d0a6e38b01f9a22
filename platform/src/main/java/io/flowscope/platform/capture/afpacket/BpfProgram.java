package io.flowscope.platform.capture.afpacket;

import io.flowscope.platform.os.LibC;
import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;

/**
 * A capture filter in tcpdump's syntax, compiled to classic BPF by libpcap's own {@code pcap_compile} for
 * a link type and snap length, and attached to a socket with {@code SO_ATTACH_FILTER}: frames it rejects
 * never leave the kernel. The instructions are copied out of libpcap, so nothing of libpcap stays open.
 */
public final class BpfProgram {

    /** The part of libpcap used here. */
    interface PCap extends Library {
        Pointer pcap_open_dead(int linkType, int snapLength);

        int pcap_compile(Pointer pcap, Pointer program, String expression, int optimize, int netmask);

        String pcap_geterr(Pointer pcap);

        void pcap_freecode(Pointer program);

        void pcap_close(Pointer pcap);
    }

    private static final class Holder {
        static final PCap PCAP = load();

        private static PCap load() {
            UnsatisfiedLinkError first = null;
            for (String name : new String[] {"pcap", "libpcap.so.1", "libpcap.so.0.8"}) {
                try {
                    return Native.load(name, PCap.class);
                } catch (UnsatisfiedLinkError e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            throw first;
        }
    }

    private static final int PCAP_NETMASK_UNKNOWN = 0xffffffff;

    private final String expression;
    /** struct sock_filter[]: 8 bytes each. */
    private final byte[] instructions;
    private final int count;

    private BpfProgram(String expression, byte[] instructions, int count) {
        this.expression = expression;
        this.instructions = instructions;
        this.count = count;
    }

    /**
     * Compiles {@code expression} for frames of {@code linkType}.
     *
     * @throws IllegalArgumentException with libpcap's message when the expression is not valid
     * @throws IOException when libpcap cannot be loaded
     */
    public static BpfProgram compile(String expression, int linkType, int snapLength) throws IOException {
        PCap pcap;
        try {
            pcap = Holder.PCAP;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IOException("capture filters need libpcap (Debian: libpcap0.8): " + e.getMessage());
        }
        Pointer p = pcap.pcap_open_dead(linkType, snapLength);
        if (p == null) {
            throw new IOException("libpcap could not open a handle for link type " + linkType);
        }
        Memory program = new Memory(16); // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
        program.clear();
        try {
            if (pcap.pcap_compile(p, program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0) {
                throw new IllegalArgumentException("filter '" + expression + "': " + pcap.pcap_geterr(p));
            }
            int n = program.getInt(0);
            byte[] insns = program.getPointer(8).getByteArray(0, n * 8);
            pcap.pcap_freecode(program);
            return new BpfProgram(expression, insns, n);
        } finally {
            pcap.pcap_close(p);
        }
    }

    public String expression() {
        return expression;
    }

    /** Instructions in the program. */
    public int length() {
        return count;
    }

    /** Attaches the program to a socket (struct sock_fprog { unsigned short len; struct sock_filter *filter; }). */
    void attach(int fd) throws IOException {
        Memory insns = new Memory(instructions.length);
        insns.write(0, instructions, 0, instructions.length);
        Memory fprog = new Memory(16);
        fprog.clear();
        fprog.setShort(0, (short) count);
        fprog.setPointer(8, insns);
        try {
            LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_FILTER, fprog, 16);
        } catch (LastErrorException e) {
            throw new IOException("cannot attach the filter '" + expression + "': " + AfPacketRing.strerror(e));
        }
    }
}
