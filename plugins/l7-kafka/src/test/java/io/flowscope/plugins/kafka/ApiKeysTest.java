package io.flowscope.plugins.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowscope.api.L7Message;
import io.flowscope.api.ResponseStatus;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiMessage;
import org.junit.jupiter.api.Test;

/** The parser's api key table against kafka-clients' own: names, versions, header versions, top-level error codes. */
class ApiKeysTest {

    @Test
    void everyApiKeyOfKafkaClientsIsNamedWithItsVersionsAndHeaders() {
        int checked = 0;
        for (org.apache.kafka.common.protocol.ApiKeys k : org.apache.kafka.common.protocol.ApiKeys.values()) {
            assertEquals(k.name, ApiKeys.name(k.id), "name of api key " + k.id);
            for (short v : k.allVersions()) {
                assertTrue(ApiKeys.validVersion(k.id, v), k.name + " v" + v);
                assertEquals(k.requestHeaderVersion(v), ApiKeys.requestHeaderVersion(k.id, v), k.name + " v" + v + " request header");
                assertEquals(k.responseHeaderVersion(v), ApiKeys.responseHeaderVersion(k.id, v), k.name + " v" + v + " response header");
                checked++;
            }
            if (!k.hasValidVersion()) {
                continue; // removed in 4.0 (LeaderAndIsr …): kept in the table from 3.9 for older brokers
            }
            short latest = k.latestVersion(true);
            assertTrue(ApiKeys.validVersion(k.id, latest + ApiKeys.NEWER_VERSIONS));
            assertFalse(ApiKeys.validVersion(k.id, latest + ApiKeys.NEWER_VERSIONS + 1), k.name);
        }
        assertTrue(checked > 300, "versions checked: " + checked);
        assertEquals("ApiKey93", ApiKeys.name(93));
        assertFalse(ApiKeys.validVersion(93, 0));
        assertFalse(ApiKeys.validVersion(-1, 0));
    }

    /** Whether kafka-clients writes and reads back the error code at this version. */
    private static boolean keptAt(ApiMessage body, short v) throws Exception {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer b = ByteBuffer.allocate(body.size(cache, v));
        body.write(new ByteBufferAccessor(b), cache, v);
        b.flip();
        ApiMessage back = ApiMessageType.fromApiKey(body.apiKey()).newResponse();
        back.read(new ByteBufferAccessor(b), v);
        return (short) back.getClass().getMethod("errorCode").invoke(back) == 29;
    }

    /**
     * For every api and version: a response whose top-level error_code is set (when that version has one) is
     * written by kafka-clients and read by the parser, which must give that code and its name.
     */
    @Test
    void theTopLevelErrorCodeOfEveryResponseIsFound() throws Exception {
        int found = 0;
        for (org.apache.kafka.common.protocol.ApiKeys k : org.apache.kafka.common.protocol.ApiKeys.values()) {
            for (short v : k.allVersions()) {
                ApiMessage body = ApiMessageType.fromApiKey(k.id).newResponse();
                Method set;
                try {
                    set = body.getClass().getMethod("setErrorCode", short.class);
                } catch (NoSuchMethodException e) {
                    continue; // no top-level error_code in any version
                }
                set.invoke(body, (short) 29); // TOPIC_AUTHORIZATION_FAILED
                byte[] response;
                try {
                    response = KafkaBytes.response(k, v, 7, body);
                } catch (UnsupportedVersionException e) {
                    continue; // this version has no top-level error_code
                }
                if (!keptAt(body, v)) {
                    continue; // an ignorable field this version does not carry
                }
                byte[] request = KafkaBytes.request(k, v, 7, "t", ApiMessageType.fromApiKey(k.id).newRequest());
                Harness h = new Harness().client(request).server(response);
                L7Message r = h.responses().get(0);
                assertEquals(29, r.statusCode(), k.name + " v" + v);
                assertEquals(ResponseStatus.SERVER_ERROR, r.status(), k.name + " v" + v);
                assertEquals("TOPIC_AUTHORIZATION_FAILED", r.exception(), k.name + " v" + v);
                assertEquals(k.name, h.requests().get(0).operation());
                found++;
            }
        }
        assertTrue(found > 150, "responses checked: " + found);
    }
}
