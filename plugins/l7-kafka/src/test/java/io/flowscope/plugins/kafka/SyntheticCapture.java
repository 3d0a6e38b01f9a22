package io.flowscope.plugins.kafka;

import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Not a test: writes a classic pcap of one Kafka connection (10.0.0.1:45000 → 10.0.0.2:9092; handshake,
 * ApiVersions, Metadata, three Produce in flight, one acks=0, an UNKNOWN_TOPIC_OR_PARTITION, FIN) from
 * kafka-clients' bytes, to drive the whole host by hand: {@code ./flowscope import --data-dir=D kafka.pcap}, then
 * the rows through {@code /api/v1/sql}; tshark's Kafka dissector reads it too. Run with the test class path:
 * {@code java -cp target/test-classes:target/classes:<test deps> io.flowscope.plugins.kafka.SyntheticCapture out.pcap}.
 */
public final class SyntheticCapture {
    private static DataOutputStream out;
    private static long ts = 1_700_000_000_000_000L;
    private static int cseq = 1000, sseq = 5000;
    private static final int CPORT = 45000, SPORT = 9092;

    public static void main(String[] a) throws Exception {
        out = new DataOutputStream(new FileOutputStream(a[0]));
        ByteBuffer gh = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        gh.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        out.write(gh.array());
        pkt(true, 0x02, new byte[0]); cseq++;
        pkt(false, 0x12, new byte[0]); sseq++;
        pkt(true, 0x10, new byte[0]);
        ApiVersionsRequestData av = new ApiVersionsRequestData().setClientSoftwareName("apache-kafka-java").setClientSoftwareVersion("4.3.1");
        data(true, KafkaBytes.request(ApiKeys.API_VERSIONS, 4, 0, "producer-1", av));
        data(false, KafkaBytes.response(ApiKeys.API_VERSIONS, 4, 0, new ApiVersionsResponseData()));
        data(true, KafkaBytes.request(ApiKeys.METADATA, 12, 1, "producer-1", KafkaBytes.metadata("orders")));
        data(false, KafkaBytes.response(ApiKeys.METADATA, 12, 1, KafkaBytes.metadataResponse("orders", (short) 0, (short) 0)));
        // three produces in flight, then their answers; an acks=0 one; an error
        data(true, KafkaBytes.concat(
                KafkaBytes.request(ApiKeys.PRODUCE, 11, 2, "producer-1", KafkaBytes.produce(11, "orders", 0, (short) -1, KafkaBytes.records("a"))),
                KafkaBytes.request(ApiKeys.PRODUCE, 11, 3, "producer-1", KafkaBytes.produce(11, "orders", 1, (short) -1, KafkaBytes.records("b"))),
                KafkaBytes.request(ApiKeys.PRODUCE, 11, 4, "producer-1", KafkaBytes.produce(11, "missing", 0, (short) -1, KafkaBytes.records("c")))));
        data(true, KafkaBytes.request(ApiKeys.PRODUCE, 11, 5, "producer-1", KafkaBytes.produce(11, "logs", 0, (short) 0, KafkaBytes.records("d"))));
        data(false, KafkaBytes.concat(
                KafkaBytes.response(ApiKeys.PRODUCE, 11, 2, KafkaBytes.produceResponse(11, "orders", (short) 0)),
                KafkaBytes.response(ApiKeys.PRODUCE, 11, 3, KafkaBytes.produceResponse(11, "orders", (short) 0)),
                KafkaBytes.response(ApiKeys.PRODUCE, 11, 4, KafkaBytes.produceResponse(11, "missing", Errors.UNKNOWN_TOPIC_OR_PARTITION.code()))));
        pkt(true, 0x11, new byte[0]); cseq++;
        pkt(false, 0x11, new byte[0]); sseq++;
        pkt(true, 0x10, new byte[0]);
        out.close();
    }

    static void data(boolean c2s, byte[] b) throws IOException {
        for (int i = 0; i < b.length; i += 1400) {
            byte[] part = Arrays.copyOfRange(b, i, Math.min(b.length, i + 1400));
            pkt(c2s, 0x18, part);
            if (c2s) cseq += part.length; else sseq += part.length;
        }
        pkt(!c2s, 0x10, new byte[0]);
    }

    static void pkt(boolean c2s, int flags, byte[] payload) throws IOException {
        ts += 1000;
        int len = 14 + 20 + 20 + payload.length;
        ByteBuffer f = ByteBuffer.allocate(len);
        f.put(new byte[] {0, 0, 0, 0, 0, (byte) (c2s ? 2 : 1), 0, 0, 0, 0, 0, (byte) (c2s ? 1 : 2)}).putShort((short) 0x0800);
        f.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 20 + payload.length)).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0);
        byte[] cip = {10, 0, 0, 1}, sip = {10, 0, 0, 2};
        f.put(c2s ? cip : sip).put(c2s ? sip : cip);
        int sum = 0;
        for (int i = 14; i < 34; i += 2) sum += ((f.get(i) & 0xff) << 8) | (f.get(i + 1) & 0xff);
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        f.putShort(24, (short) ~sum);
        f.putShort((short) (c2s ? CPORT : SPORT)).putShort((short) (c2s ? SPORT : CPORT));
        f.putInt(c2s ? cseq : sseq).putInt(flags == 0x02 ? 0 : (c2s ? sseq : cseq));
        f.put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        f.put(payload);
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt((int) (ts / 1_000_000)).putInt((int) (ts % 1_000_000)).putInt(len).putInt(len);
        out.write(h.array());
        out.write(f.array());
    }
}
