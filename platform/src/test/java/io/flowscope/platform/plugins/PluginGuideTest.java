package io.flowscope.platform.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowscope.platform.testing.PrivilegedCondition;
import io.flowscope.platform.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third party's first hour: the plugin written out of docs/plugin-guide.md's own text builds with the
 * Maven of this machine on an empty local repository (Flowscope's artifacts put there as if published,
 * everything else fetched from Maven Central), its conformance kit runs and passes; with its session
 * directory empty, the build fails instead of passing with nothing checked.
 */
class PluginGuideTest {

    static final Pattern FILE = Pattern.compile("<!-- file: (\\S+) -->\\s*\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void thePluginOfTheGuideBuildsAndPassesTheKitOnACleanRepository() throws Exception {
        Path root = Path.of(System.getenv().getOrDefault("FLOWSCOPE_REPO_ROOT", "..")).toAbsolutePath().normalize();
        String guide = Files.readString(root.resolve("docs/plugin-guide.md"), StandardCharsets.UTF_8);
        Path project = dir.resolve("ping");
        Matcher m = FILE.matcher(guide);
        List<String> written = new ArrayList<>();
        while (m.find()) {
            Path f = project.resolve(m.group(1));
            Files.createDirectories(f.getParent());
            Files.writeString(f, m.group(2) + "\n", StandardCharsets.UTF_8);
            written.add(m.group(1));
        }
        assertThat(written).contains("pom.xml", "src/test/resources/sessions/two-pings.session");

        Path repo = dir.resolve("repository");
        publishFlowscope(repo);
        Result ok = maven(project, repo, "package");
        assertThat(ok.exit()).as(ok.output()).isZero();
        String report = Files.readString(project.resolve("target/surefire-reports/TEST-com.example.ping.PingConformanceTest.xml"));
        assertThat(report).contains("failures=\"0\"", "errors=\"0\"").doesNotContain("tests=\"0\"");
        try (ZipFile jar = new ZipFile(project.resolve("target/flowscope-ping-1.0.0.jar").toFile())) {
            assertThat(jar.getEntry("META-INF/extensions.idx")).isNotNull();
            assertThat(new String(jar.getInputStream(jar.getEntry("META-INF/MANIFEST.MF")).readAllBytes()))
                    .contains("Plugin-Id: ping", "Plugin-Requires: >=1.0.0 & <2.0.0");
        }

        try (Stream<Path> s = Files.list(project.resolve("src/test/resources/sessions"))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Result empty = maven(project, repo, "test");
        assertThat(empty.exit()).as("a kit with no session must fail the build").isNotZero();
        assertThat(empty.output()).contains("found no recorded session");
    }

    /** Flowscope's own artifacts, copied from this build's local repository as a release would publish them. */
    private static void publishFlowscope(Path repo) throws IOException {
        String local = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        for (String artifact : List.of("flowscope-parent", "plugin-api", "flowscope-plugin-parent")) {
            Path from = Path.of(local, "io", "flowscope", artifact);
            Path to = repo.resolve("io/flowscope/" + artifact);
            try (Stream<Path> s = Files.walk(from)) {
                for (Path p : s.toList()) {
                    Path t = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(p, t);
                    }
                }
            }
        }
    }

    record Result(int exit, String output) {
    }

    private static Result maven(Path project, Path repo, String goal) throws Exception {
        Path log = project.resolve("maven-" + goal + ".log");
        Process p = new ProcessBuilder(PrivilegedCondition.which("mvn"), "-B", "-ntp", "-Dmaven.repo.local=" + repo, goal)
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("maven " + goal + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(log));
    }
}
