package io.flowscope.platform.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowscope.platform.testing.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Off loopback the server refuses to start unless told --insecure-no-auth; on loopback it says so. */
class NetworkExposureTest {

    @TempDir
    Path dir;

    @Test
    void loopbackIsFineAnythingElseNeedsTheExplicitOptOut() {
        assertThat(NetworkExposure.problem("127.0.0.1")).isNull();
        assertThat(NetworkExposure.problem("::1")).isNull();
        assertThat(NetworkExposure.problem("127.0.0.2")).isNull();
        assertThat(NetworkExposure.problem("0.0.0.0")).contains("not a loopback address");
        assertThat(NetworkExposure.problem("")).contains("all of the machine's addresses");
        assertThat(NetworkExposure.problem("10.1.2.3")).contains("not a loopback address");
        assertThatThrownBy(() -> new NetworkExposure("0.0.0.0", false)).hasMessageContaining("--insecure-no-auth");
        new NetworkExposure("0.0.0.0", true); // warns, starts
        new NetworkExposure("127.0.0.1", false);
    }

    @Test
    void flowscopeRunRefusesANonLoopbackAddressWithoutTheOptOut() throws Exception {
        Cli.Result r = Cli.run(dir, "run", "--address", "0.0.0.0", "--port", "0", "--data-dir", dir.resolve("data").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("refusing to listen on 0.0.0.0", "--insecure-no-auth", "docs/security.md")
                .doesNotContain("Exception", "\tat ");
    }
}
