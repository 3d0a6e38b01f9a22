package io.flowscope.platform.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.flowscope.platform.store.QueryRefusedException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What a client sees of errors: a status, a short message, never a class name; a 500 names its log line. */
@ExtendWith(OutputCaptureExtension.class)
class ApiErrorsTest {

    record Body(int n) {
    }

    @RestController
    static class Faults {
        @GetMapping("/bug")
        String bug() {
            throw new IllegalStateException("internal detail of io.flowscope.Secret");
        }

        @GetMapping("/refused")
        String refused() {
            throw new QueryRefusedException("sql: not this");
        }

        @GetMapping("/busy")
        String busy() {
            throw ClientErrorException.busy("sql: too many");
        }

        @GetMapping("/number")
        String number(@RequestParam int n) {
            return "n=" + n;
        }

        @PostMapping("/json")
        String json(@RequestBody Body b) {
            return "ok";
        }
    }

    final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Faults())
            .setControllerAdvice(new ApiErrors(new SimpleMeterRegistry())).build();

    @Test
    void anInternalFaultIs500WithAReferenceThatMatchesOneLogLine(CapturedOutput log) throws Exception {
        MvcResult r = mvc.perform(get("/bug")).andReturn();
        String body = r.getResponse().getContentAsString();
        assertThat(r.getResponse().getStatus()).isEqualTo(500);
        assertThat(body).doesNotContain("IllegalState", "Secret", "io.flowscope").contains("reference");
        String ref = body.replaceAll(".*\"reference\":\"([0-9a-f]{8})\".*", "$1");
        assertThat(ref).hasSize(8);
        assertThat(log.getOut().lines().filter(l -> l.contains("(reference " + ref + ")"))).hasSize(1);
        assertThat(log.getOut()).contains("IllegalStateException: internal detail");
    }

    @Test
    void clientMistakesAreShort4xxInOurOwnWords() throws Exception {
        assertThat(status(get("/refused"))).isEqualTo("400 {\"error\":\"sql: not this\"}");
        MvcResult busy = mvc.perform(get("/busy")).andReturn();
        assertThat(busy.getResponse().getStatus()).isEqualTo(429);
        assertThat(busy.getResponse().getHeader("Retry-After")).isEqualTo("1");
        assertThat(status(get("/number").param("n", "abc"))).isEqualTo("400 {\"error\":\"n: 'abc' is not a valid number\"}");
        assertThat(status(get("/number"))).isEqualTo("400 {\"error\":\"n: required\"}");
        assertThat(status(post("/json").contentType("application/json").content("{\"n\":"))).isEqualTo(
                "400 {\"error\":\"the request body could not be read\"}");
        assertThat(status(post("/json").contentType("application/xml").content("<n/>"))).startsWith("415 ")
                .doesNotContain("Exception");
        assertThat(status(post("/bug"))).startsWith("405 ").doesNotContain("Exception");
    }

    private String status(org.springframework.test.web.servlet.RequestBuilder b) throws Exception {
        MvcResult r = mvc.perform(b).andReturn();
        return r.getResponse().getStatus() + " " + r.getResponse().getContentAsString();
    }
}
