package io.flowscope.platform.testing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;

/** {@link Http}'s calls against a web-layer test's {@link MockMvc} instead of a running server. */
public final class MockHttp {

    private final MockMvc mvc;

    public MockHttp(MockMvc mvc) {
        this.mvc = mvc;
    }

    /** A path with its query string as it is sent, already encoded. */
    public Http.Response get(String path) throws Exception {
        return send(MockMvcRequestBuilders.get(URI.create(path)));
    }

    public Http.Response postJson(String path, String json) throws Exception {
        return post(path, "application/json", json);
    }

    public Http.Response postText(String path, String text) throws Exception {
        return post(path, "text/plain", text);
    }

    /** The body as UTF-8, as {@link Http} sends it. */
    public Http.Response post(String path, String contentType, String body) throws Exception {
        return send(MockMvcRequestBuilders.post(URI.create(path)).contentType(contentType).content(body.getBytes(StandardCharsets.UTF_8)));
    }

    private Http.Response send(RequestBuilder request) throws Exception {
        MvcResult r = mvc.perform(request).andReturn();
        return new Http.Response(r.getResponse().getStatus(), r.getResponse().getContentAsString(StandardCharsets.UTF_8));
    }
}
