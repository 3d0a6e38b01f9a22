package io.flowscope.platform.plugins;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader: the plugin API (and PF4J) come from the host, parent-first, so a plugin
 * that bundles its own copy of plugin-api still implements the host's interfaces; everything else is
 * plugin-first, and beyond the plugin only the JDK is visible (as Trino does): a plugin cannot reach
 * Spring, JNA, DuckDB or any other host internal, even by accident.
 */
final class IsolatingPluginClassLoader extends PluginClassLoader {

    private static final String[] SHARED = {"io.flowscope.api.", "org.pf4j."};
    private static final ClassLoader JDK = ClassLoader.getPlatformClassLoader();

    IsolatingPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader host) {
        super(manager, descriptor, host, ClassLoadingStrategy.PDA);
    }

    static boolean isShared(String className) {
        for (String p : SHARED) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        if (isShared(className)) {
            return getParent().loadClass(className);
        }
        synchronized (getClassLoadingLock(className)) {
            if (className.startsWith("java.")) {
                return findSystemClass(className);
            }
            Class<?> c = findLoadedClass(className);
            if (c != null) {
                return c;
            }
            try {
                return findClass(className);
            } catch (ClassNotFoundException notInPlugin) {
                c = loadClassFromDependencies(className);
                if (c != null) {
                    return c;
                }
            }
            return JDK.loadClass(className);
        }
    }

    @Override
    public URL getResource(String name) {
        URL url = findResource(name);
        if (url == null) {
            url = findResourceFromDependencies(name);
        }
        return url != null ? url : JDK.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(findResourcesFromDependencies(name));
        all.addAll(Collections.list(JDK.getResources(name)));
        return Collections.enumeration(all);
    }
}
