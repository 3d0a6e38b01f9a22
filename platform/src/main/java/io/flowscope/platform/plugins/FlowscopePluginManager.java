package io.flowscope.platform.plugins;

import io.flowscope.api.PluginApi;
import java.nio.file.Path;
import java.util.List;
import org.pf4j.CompoundPluginDescriptorFinder;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginFactory;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.Plugin;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginFactory;
import org.pf4j.PluginLoader;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;

/**
 * PF4J configured for Flowscope: plugin jars only (deployment mode, manifest descriptors), the
 * isolating class loader, the plugin API's version as the system version, and plugins without a
 * {@code Plugin-Class} allowed (most protocol plugins only contribute extensions).
 *
 * <p>{@link #createPluginLoader()} runs inside PF4J's constructor, before this class's fields are
 * set: it must not use any.
 */
final class FlowscopePluginManager extends DefaultPluginManager {

    FlowscopePluginManager(List<Path> pluginsDirs) {
        super(pluginsDirs);
        setSystemVersion(PluginApi.VERSION);
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        return RuntimeMode.DEPLOYMENT;
    }

    @Override
    protected PluginDescriptorFinder createPluginDescriptorFinder() {
        return new CompoundPluginDescriptorFinder().add(new ManifestPluginDescriptorFinder());
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new CompoundPluginLoader().add(new JarPluginLoader(this) {
            @Override
            protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                return new IsolatingPluginClassLoader(pluginManager, descriptor, getClass().getClassLoader());
            }
        });
    }

    @Override
    protected PluginFactory createPluginFactory() {
        return new DefaultPluginFactory() {
            @Override
            public Plugin create(PluginWrapper wrapper) {
                String cls = wrapper.getDescriptor().getPluginClass();
                if (cls == null || cls.isBlank() || cls.equals(Plugin.class.getName())) {
                    return new Plugin() {
                    };
                }
                return super.create(wrapper);
            }
        };
    }
}
