package io.flowscope.platform.testing;

import io.flowscope.api.ProtocolParserFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Builds the plugin projects that live outside the reactor, with Maven, as a third party would:
 * {@code examples/sample-plugin} (kvline, depends on plugin-api alone) and the test fixture
 * {@code src/test/plugins/failing-plugin}. Built once per test JVM.
 */
public final class SamplePlugins {

    private static Path built;

    private SamplePlugins() {
    }

    /** A directory with kvline.jar and always-fails.jar. */
    public static synchronized Path jars() throws IOException, InterruptedException {
        if (built == null) {
            Path out = Files.createTempDirectory("flowscope-sample-plugins");
            Path root = Path.of(System.getenv().getOrDefault("FLOWSCOPE_REPO_ROOT", "..")).toAbsolutePath().normalize();
            build(root.resolve("examples/sample-plugin"), out, "kvline.jar");
            build(Path.of("src/test/plugins/failing-plugin").toAbsolutePath(), out, "always-fails.jar");
            built = out;
        }
        return built;
    }

    /**
     * Builds the datagram test fixture {@code src/test/plugins/dns-mini} (its conformance kit runs in the
     * build) and returns its build directory: {@code dns-mini.jar} in it, and {@code target/surefire-reports}.
     */
    public static synchronized Path dnsMini() throws IOException, InterruptedException {
        Path out = Files.createTempDirectory("flowscope-dns-mini");
        Path work = build(Path.of("src/test/plugins/dns-mini").toAbsolutePath(), out, "dns-mini.jar");
        return work;
    }

    private static Path build(Path project, Path out, String jarName) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("flowscope-plugin-build");
        copyTree(project, work);
        List<String> cmd = new ArrayList<>(List.of(PrivilegedCondition.which("mvn"), "-q", "-B", "package"));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null) {
            cmd.add("-Dmaven.repo.local=" + repo);
        }
        Processes.run(work, cmd);
        try (Stream<Path> s = Files.list(work.resolve("target"))) {
            Path jar = s.filter(p -> p.toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new IOException("no jar built in " + work));
            Files.copy(jar, out.resolve(jarName), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(jar, work.resolve(jarName), StandardCopyOption.REPLACE_EXISTING);
        }
        return work;
    }

    /**
     * A copy of a plugin jar with a new Plugin-Id (and optionally Plugin-Requires) that also bundles its
     * own copy of the plugin-api classes, as a careless build would.
     */
    public static Path variant(Path jar, Path target, String pluginId, String requires, boolean bundleApi) throws IOException {
        try (JarFile in = new JarFile(jar.toFile());
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest(in.getManifest(), pluginId, requires))) {
            for (JarEntry e : java.util.Collections.list(in.entries())) {
                if (e.getName().equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(e.getName()));
                try (InputStream is = in.getInputStream(e)) {
                    is.transferTo(out);
                }
                out.closeEntry();
            }
            if (bundleApi) {
                bundleApi(out);
            }
        }
        return target;
    }

    private static Manifest manifest(Manifest original, String pluginId, String requires) {
        Manifest m = new Manifest(original);
        m.getMainAttributes().put(new Attributes.Name("Plugin-Id"), pluginId);
        if (requires != null) {
            m.getMainAttributes().put(new Attributes.Name("Plugin-Requires"), requires);
        }
        return m;
    }

    private static void bundleApi(JarOutputStream out) throws IOException {
        Path api;
        try {
            api = Path.of(ProtocolParserFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        if (Files.isDirectory(api)) {
            try (Stream<Path> s = Files.walk(api)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(api.relativize(p).toString().replace('\\', '/')));
                    Files.copy(p, out);
                    out.closeEntry();
                }
            }
        } else {
            try (JarFile in = new JarFile(api.toFile())) {
                for (JarEntry e : java.util.Collections.list(in.entries())) {
                    if (e.getName().startsWith("io/flowscope/api/")) {
                        out.putNextEntry(new JarEntry(e.getName()));
                        try (InputStream is = in.getInputStream(e)) {
                            is.transferTo(out);
                        }
                        out.closeEntry();
                    }
                }
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                if (p.toString().contains("/target")) {
                    continue;
                }
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Writes bytes that are not a jar at all. */
    public static Path brokenJar(Path target) throws IOException {
        try (OutputStream o = Files.newOutputStream(target)) {
            o.write("this is not a zip file".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return target;
    }
}
