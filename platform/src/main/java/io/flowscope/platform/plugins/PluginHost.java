package io.flowscope.platform.plugins;

import io.flowscope.api.ProbeFactory;
import io.flowscope.api.ProtocolDescriptor;
import io.flowscope.api.ProtocolParserFactory;
import io.flowscope.platform.l7.FailurePolicy;
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

    private final List<Path> dirs;
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
        /** STARTED or FAILED (did not load); DISABLED is read from the handles, which come back by themselves. */
        volatile String state = "STARTED";
        volatile String lastError;
        final List<ProtocolHandle> handles = new ArrayList<>();
        /** An entry that reports an unusable plugin directory, not a plugin. */
        boolean directory;

        Entry(String id, String version, String source) {
            this.id = id;
            this.version = version;
            this.source = source;
        }

        PluginStatus status() {
            String kind = directory ? "directory" : !protocols.isEmpty() && !probes.isEmpty() ? "protocol+probe"
                    : !protocols.isEmpty() ? "protocol" : !probes.isEmpty() ? "probe" : "unknown";
            String now = "STARTED".equals(state) && handles.stream().anyMatch(h -> !h.enabled()) ? "DISABLED" : state;
            long failures = handles.stream().mapToLong(ProtocolHandle::failureCount).sum();
            return new PluginStatus(id, version, kind, now, lastError, failures, source, List.copyOf(protocols),
                    List.copyOf(probes));
        }
    }

    private final FailurePolicy policy;
    private final boolean obfuscate;

    private PluginHost(List<Path> dirs, FailurePolicy policy, boolean obfuscate) {
        this.dirs = List.copyOf(dirs);
        this.policy = policy;
        this.obfuscate = obfuscate;
        this.manager = new FlowscopePluginManager(this.dirs);
    }

    /** Loads and starts every plugin jar in {@code dir} (a missing directory means no plugins). */
    public static PluginHost start(Path dir) {
        return start(dir, List.of(), FailurePolicy.DEFAULT);
    }

    /**
     * Loads the built-in plugins ({@code builtIn}, where the build puts them) and those of each extra
     * directory, which add to them; an extra directory that is missing or holds no jar is reported as a
     * plugin entry of kind {@code directory} (state FAILED), and the rest loads.
     */
    public static PluginHost start(Path builtIn, List<Path> extra, FailurePolicy policy) {
        return start(builtIn, extra, policy, true);
    }

    /** As {@link #start(Path, List, FailurePolicy)}; {@code obfuscate}: parsers replace literals in statements and values. */
    public static PluginHost start(Path builtIn, List<Path> extra, FailurePolicy policy, boolean obfuscate) {
        List<Path> all = new ArrayList<>();
        all.add(builtIn);
        for (Path p : extra) {
            if (!all.contains(p)) {
                all.add(p);
            }
        }
        PluginHost host = new PluginHost(all, policy, obfuscate);
        host.reportUnusableDirectories(extra);
        host.loadAll();
        return host;
    }

    private void reportUnusableDirectories(List<Path> extra) {
        for (Path d : extra) {
            String problem = null;
            if (!Files.isDirectory(d)) {
                problem = "plugin directory " + d + " does not exist";
            } else {
                try (Stream<Path> s = Files.list(d)) {
                    if (s.noneMatch(p -> p.toString().endsWith(".jar"))) {
                        problem = "plugin directory " + d + " has no plugin jar";
                    }
                } catch (IOException e) {
                    problem = "plugin directory " + d + " cannot be read: " + e.getMessage();
                }
            }
            if (problem != null) {
                Entry e = new Entry("dir:" + d, null, d.toString());
                e.state = "FAILED";
                e.lastError = problem;
                e.directory = true;
                entries.put(e.id, e);
                log.warn("{}", problem);
            }
        }
    }

    /**
     * Turns a disabled plugin's protocols on again now.
     *
     * @return its status, or null when no such plugin was found
     * @throws IllegalStateException when the plugin did not load (nothing to enable)
     */
    public PluginStatus enable(String pluginId) {
        Entry e = entries.get(pluginId);
        if (e == null) {
            return null;
        }
        if ("FAILED".equals(e.state)) {
            throw new IllegalStateException("plugin " + pluginId + " did not load (" + e.lastError + "); there is nothing to enable");
        }
        e.handles.forEach(ProtocolHandle::enable);
        log.info("plugin {} enabled again", pluginId);
        return e.status();
    }

    /** The directories plugins are loaded from: the built-in one first. */
    public List<Path> directories() {
        return dirs;
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
    public void pluginFailed(String pluginId, String during, Throwable error, Object connection, boolean disabled) {
        Entry e = entries.get(pluginId);
        String message = describe(error) + " (in " + during + ", on " + connection + ")";
        boolean first = e == null || e.lastError == null;
        if (e != null) {
            e.lastError = message;
        }
        if (disabled) {
            log.error("plugin {} disabled for {} s: its code failed too often (policy {}); last: {}", pluginId,
                    policy.coolDown().toSeconds(), policy, message, error);
        } else if (first) {
            log.error("plugin {} failed; that connection's L7 session ended, the plugin carries on: {}", pluginId, message, error);
        } else {
            log.debug("plugin {} failed: {}", pluginId, message);
        }
    }

    private void loadAll() {
        List<Path> jars = new ArrayList<>();
        for (Path dir : dirs) {
            try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
                jars.addAll(s.filter(p -> p.toString().endsWith(".jar")).sorted().toList());
            } catch (IOException e) {
                log.error("cannot list plugin directory {}: {}", dir, e.toString());
            }
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
        // a stable order for listings; detection orders by transport and priority itself (L7Pipeline)
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
                ProtocolHandle h = new ProtocolHandle(id, f, d, this, policy, obfuscate);
                protocols.add(h);
                e.handles.add(h);
                e.protocols.add(d.id());
            }
            for (ProbeFactory f : manager.getExtensions(ProbeFactory.class, id)) {
                probes.add(f);
                e.probes.add(f.descriptor().id());
            }
        } catch (Throwable t) {
            protocols.removeIf(h -> h.pluginId().equals(id));
            e.handles.clear();
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
