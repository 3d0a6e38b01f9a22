package io.flowscope.platform.plugins;

import io.flowscope.api.ProbeFactory;
import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.platform.l7.ProtocolHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the plugin jars of one directory with PF4J and keeps what they contribute: protocol parser
 * factories (as {@link ProtocolHandle}s) and probe factories. A plugin that fails to load, to start,
 * to give its extensions, or later throws while parsing is disabled and reported with its error; the
 * host and the other plugins carry on.
 */
public final class PluginHost implements AutoCloseable, ProtocolHandle.FailureListener {

    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    private final Path dir;
    private final FlowscopePluginManager manager;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<ProtocolHandle> protocols = new ArrayList<>();
    private final List<ProbeFactory> probes = new ArrayList<>();

    /** Mutable status of one plugin. */
    private static final class Entry {
        final String id;
        final String version;
        final String source;
        final List<String> protocols = new ArrayList<>();
        final List<String> probes = new ArrayList<>();
        volatile String state = "STARTED";
        volatile String lastError;

        Entry(String id, String version, String source) {
            this.id = id;
            this.version = version;
            this.source = source;
        }

        PluginStatus status() {
            String kind = !protocols.isEmpty() && !probes.isEmpty() ? "protocol+probe"
                    : !protocols.isEmpty() ? "protocol" : !probes.isEmpty() ? "probe" : "unknown";
            return new PluginStatus(id, version, kind, state, lastError, source, List.copyOf(protocols), List.copyOf(probes));
        }
    }

    private PluginHost(Path dir) {
        this.dir = dir;
        this.manager = new FlowscopePluginManager(dir);
    }

    /** Loads and starts every plugin jar in {@code dir} (a missing directory means no plugins). */
    public static PluginHost start(Path dir) {
        PluginHost host = new PluginHost(dir);
        host.loadAll();
        return host;
    }

    /** The directory plugins are loaded from. */
    public Path directory() {
        return dir;
    }

    /** Protocols of started plugins, ordered by plugin id and protocol id. */
    public List<ProtocolHandle> protocols() {
        return List.copyOf(protocols);
    }

    /** Probe factories of started plugins. */
    public List<ProbeFactory> probes() {
        return List.copyOf(probes);
    }

    /** Ports of every protocol's descriptor: hints for orienting flows without a handshake. */
    public Set<Integer> serverPortHints() {
        Set<Integer> ports = new HashSet<>();
        for (ProtocolHandle h : protocols) {
            ports.addAll(h.descriptor().defaultPorts());
        }
        return ports;
    }

    /** Status of every plugin found, loaded or not. */
    public List<PluginStatus> statuses() {
        return entries.values().stream().map(Entry::status).toList();
    }

    @Override
    public void pluginFailed(String pluginId, String during, Throwable error) {
        Entry e = entries.get(pluginId);
        String message = describe(error) + " (in " + during + ")";
        if (e != null) {
            e.state = "DISABLED";
            e.lastError = message;
        }
        log.error("plugin {} disabled: {}", pluginId, message, error);
    }

    private void loadAll() {
        List<Path> jars;
        try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            log.error("cannot list plugin directory {}: {}", dir, e.toString());
            jars = List.of();
        }
        for (Path jar : jars) {
            try {
                manager.loadPlugin(jar);
            } catch (Throwable t) {
                Entry e = new Entry(jar.getFileName().toString(), null, jar.toString());
                e.state = "FAILED";
                e.lastError = "could not load: " + describe(t);
                entries.put(e.id, e);
                log.error("plugin jar {} could not be loaded: {}", jar, describe(t));
            }
        }
        manager.startPlugins();
        for (PluginWrapper w : manager.getPlugins()) {
            Entry e = new Entry(w.getPluginId(), w.getDescriptor().getVersion(), String.valueOf(w.getPluginPath()));
            entries.put(e.id, e);
            if (w.getPluginState() != PluginState.STARTED) {
                e.state = "FAILED";
                String requires = w.getDescriptor().getRequires();
                boolean apiMismatch = requires != null && !requires.isBlank() && !"*".equals(requires)
                        && !manager.getVersionManager().checkVersionConstraint(manager.getSystemVersion(), requires);
                e.lastError = apiMismatch
                        ? "it requires plugin-api " + requires + ", this host has " + manager.getSystemVersion()
                        : w.getFailedException() != null ? "could not start: " + describe(w.getFailedException())
                        : "not started (state " + w.getPluginState() + ")";
                log.error("plugin {}: {}", e.id, e.lastError);
                continue;
            }
            collectExtensions(w, e);
        }
        // detection asks protocols in a fixed order (port hints first, see L7Session): by plugin id, then protocol id
        protocols.sort(java.util.Comparator.comparing(ProtocolHandle::pluginId).thenComparing(h -> h.descriptor().id()));
    }

    private void collectExtensions(PluginWrapper w, Entry e) {
        String id = w.getPluginId();
        try {
            // getExtensions makes new instances on every call: take them once and keep them
            for (ProtocolParserFactory f : manager.getExtensions(ProtocolParserFactory.class, id)) {
                ProtocolDescriptor d = f.descriptor();
                for (ProtocolHandle other : protocols) {
                    if (other.descriptor().id().equals(d.id())) {
                        throw new IllegalStateException("protocol id '" + d.id() + "' is already provided by plugin " + other.pluginId());
                    }
                }
                protocols.add(new ProtocolHandle(id, f, d, this));
                e.protocols.add(d.id());
            }
            for (ProbeFactory f : manager.getExtensions(ProbeFactory.class, id)) {
                probes.add(f);
                e.probes.add(f.descriptor().id());
            }
        } catch (Throwable t) {
            protocols.removeIf(h -> h.pluginId().equals(id));
            e.protocols.clear();
            e.probes.clear();
            e.state = "FAILED";
            e.lastError = "extensions failed: " + describe(t);
            log.error("plugin {}: {}", id, e.lastError, t);
            return;
        }
        if (e.protocols.isEmpty() && e.probes.isEmpty()) {
            e.state = "FAILED";
            e.lastError = "no extensions found: the jar has no META-INF/extensions.idx listing a ProtocolParserFactory or"
                    + " ProbeFactory (was PF4J's annotation processor run?)";
            log.error("plugin {}: {}", id, e.lastError);
        } else {
            log.info("plugin {} {} started: protocols {}, probes {}", id, e.version, e.protocols, e.probes);
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public void close() {
        try {
            // one by one: PF4J 3.15's stopPlugins() modifies the list it iterates
            for (PluginWrapper w : new ArrayList<>(manager.getPlugins())) {
                manager.unloadPlugin(w.getPluginId());
            }
        } catch (RuntimeException ex) {
            log.warn("stopping plugins: {}", ex.toString());
        }
    }
}
