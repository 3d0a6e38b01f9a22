package io.flowscope.bench;

import java.nio.ByteBuffer;

/**
 * Ethernet/IPv4/TCP frames of many connections, packed in one direct buffer; or the same frames each in a VXLAN
 * tunnel (outer Ethernet, IPv4, UDP to 4789, VXLAN with VNI 42: 50 bytes more).
 */
final class Frames {

    static final int FLOWS = 4096;
    static final int PER_FLOW = 8;
    static final int COUNT = FLOWS * PER_FLOW;
    static final int PAYLOAD = 100;

    final ByteBuffer buffer;
    final int[] offsets = new int[COUNT];
    final int[] lengths = new int[COUNT];

    private Frames(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    /** The VXLAN encapsulation's length: outer Ethernet, IPv4, UDP and the VXLAN header. */
    static final int VXLAN = 14 + 20 + 8 + 8;

    static Frames build() {
        return build(false);
    }

    static Frames build(boolean vxlan) {
        int outer = vxlan ? VXLAN : 0;
        int frameLen = outer + 14 + 20 + 20 + PAYLOAD;
        Frames f = new Frames(ByteBuffer.allocateDirect(COUNT * frameLen));
        int n = 0;
        int[] seq = new int[FLOWS * 2];
        // interleave connections as a busy capture does: one segment of each flow in turn
        for (int round = 0; round < PER_FLOW; round++) {
            for (int flow = 0; flow < FLOWS; flow++) {
                boolean fromClient = round % 2 == 0;
                int o = n * frameLen;
                ByteBuffer b = f.buffer;
                b.position(o);
                if (vxlan) {
                    int inner = frameLen - VXLAN;
                    b.put(new byte[] {0, 1, 2, 3, 4, 99, 0, 6, 7, 8, 9, 99}).putShort((short) 0x0800);
                    b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + 8 + inner)).putInt(0).put((byte) 64)
                            .put((byte) 17).putShort((short) 0);
                    b.putInt(fromClient ? 0xc0000201 : 0xc0000202).putInt(fromClient ? 0xc0000202 : 0xc0000201);
                    b.putShort((short) (49152 + flow % 16384)).putShort((short) 4789).putShort((short) (8 + 8 + inner))
                            .putShort((short) 0);
                    b.putInt(0x08000000).putInt(42 << 8);
                }
                b.put(new byte[] {0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10}).putShort((short) 0x0800);
                b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + PAYLOAD)).putInt(0).put((byte) 64).put((byte) 6)
                        .putShort((short) 0);
                int client = 0x0a000000 | flow;
                int server = 0x0a100001;
                int cport = 30000 + flow % 30000;
                b.putInt(fromClient ? client : server).putInt(fromClient ? server : client);
                b.putShort((short) (fromClient ? cport : 80)).putShort((short) (fromClient ? 80 : cport));
                int s = seq[flow * 2 + (fromClient ? 0 : 1)];
                seq[flow * 2 + (fromClient ? 0 : 1)] = s + PAYLOAD;
                b.putInt(s).putInt(0).putShort((short) (5 << 12 | 0x18)).putShort((short) 1000).putInt(0);
                for (int i = 0; i < PAYLOAD; i++) {
                    b.put((byte) 'x');
                }
                f.offsets[n] = o;
                f.lengths[n] = frameLen;
                n++;
            }
        }
        f.buffer.clear();
        return f;
    }
}
