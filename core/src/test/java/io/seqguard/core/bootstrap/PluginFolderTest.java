package io.seqguard.core.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.config.ConfigException;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * Builds a real plugin jar, drops it into plugins/demo/ (or, as a jar alone, into plugins/) and lets
 * the server find, load and select it.
 */
class PluginFolderTest {
    private static final String SOURCE = """
            package demo;

            import com.google.inject.AbstractModule;
            import com.google.inject.Module;
            import com.google.inject.multibindings.Multibinder;
            import io.micrometer.core.instrument.MeterRegistry;
            import io.seqguard.spi.Managed;
            import io.seqguard.spi.Phase;
            import io.seqguard.spi.Plugin;
            import io.seqguard.spi.PluginKind;
            import io.seqguard.spi.config.ConfigReader;
            import jakarta.inject.Inject;
            import java.nio.file.Files;
            import java.nio.file.Path;

            public final class DemoPlugin implements Plugin {
                public PluginKind kind() { return PluginKind.SERVICE; }
                public String id() { return "demo"; }
                public String configPath() { return "seqguard.demo"; }
                public Module module(ConfigReader config) {
                    String greeting = config.at("seqguard.demo").string("greeting");
                    Path marker = config.home().resolve("demo-started");
                    return new AbstractModule() {
                        protected void configure() {
                            Multibinder.newSetBinder(binder(), Managed.class).addBinding().to(Meters.class);
                            Multibinder.newSetBinder(binder(), Managed.class).addBinding().toInstance(new Managed() {
                                public Phase phase() { return Phase.SERVICE; }
                                public void start() throws Exception {
                                    Files.writeString(marker, greeting + " from " + DemoPlugin.class.getClassLoader().getName());
                                }
                                public void stop() throws Exception { Files.deleteIfExists(marker); }
                            });
                        }
                    };
                }

                /** Counts its own starts on the server's registry, which it gets injected. */
                public static final class Meters implements Managed {
                    private final MeterRegistry registry;
                    @Inject public Meters(MeterRegistry registry) { this.registry = registry; }
                    public Phase phase() { return Phase.SERVICE; }
                    public void start() { registry.counter("demo_starts", "loader", Meters.class.getClassLoader().getName()).increment(); }
                    public void stop() { }
                }
            }
            """;

    @TempDir
    Path home;

    @BeforeEach
    void buildPluginJar() throws Exception {
        Path src = home.resolve("build/src/demo/DemoPlugin.java");
        Path classes = home.resolve("build/classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, SOURCE);
        String classPath = Stream.of(Plugin.class, Guice.class, Inject.class, Config.class, Logger.class, MeterRegistry.class)
                .map(PluginFolderTest::location).collect(Collectors.joining(java.io.File.pathSeparator));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-classpath", classPath, "-d", classes.toString(), src.toString());
        assertThat(rc).as("javac exit code").isZero();

        Path jar = home.resolve("plugins/demo/demo-plugin.jar");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, "demo/DemoPlugin.class", Files.readAllBytes(classes.resolve("demo/DemoPlugin.class")));
            for (Path inner : Files.list(classes.resolve("demo")).filter(p -> p.getFileName().toString().contains("$")).toList()) {
                add(out, "demo/" + inner.getFileName(), Files.readAllBytes(inner));
            }
            add(out, "META-INF/services/io.seqguard.spi.Plugin", "demo.DemoPlugin\n".getBytes(StandardCharsets.UTF_8));
            add(out, "reference.conf", "seqguard.demo.greeting = hello\n".getBytes(StandardCharsets.UTF_8));
        }
        // Plugins often ship every dependency, Micrometer included: the server's copy must still win.
        Path micrometer = Path.of(location(MeterRegistry.class));
        Files.copy(micrometer, jar.resolveSibling(micrometer.getFileName()));
    }

    private static void add(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private SeqguardServer.Builder builder() {
        return SeqguardServer.builder().home(home).systemProperties(new Properties())
                .config("seqguard.storage", "memory")
                .config("seqguard.transports", List.of());
    }

    @Test
    void aPluginFolderGetsItsOwnClassLoaderAndIsSelectedById() throws Exception {
        try (SeqguardServer server = builder().config("seqguard.services", List.of("demo")).start()) {
            assertThat(Files.readString(home.resolve("demo-started"))).isEqualTo("hello from plugin-demo");
            assertThat(server.config().config().getString("seqguard.demo.greeting")).as("the plugin's reference.conf is merged")
                    .isEqualTo("hello");
        }
        assertThat(home.resolve("demo-started")).doesNotExist();
    }

    @Test
    void aPluginRegistersItsMetersOnTheServersRegistry() {
        try (SeqguardServer server = builder().config("seqguard.services", List.of("demo")).start()) {
            MeterRegistry registry = server.instance(MeterRegistry.class);
            assertThat(registry.find("demo_starts").tag("loader", "plugin-demo").counter())
                    .as("the plugin's counter, registered from its own class loader on the server's registry")
                    .isNotNull()
                    .satisfies(counter -> assertThat(counter.count()).isEqualTo(1.0));
        }
    }

    @Test
    void thePluginsOwnConfigurationCanBeOverridden() throws Exception {
        try (SeqguardServer server = builder().config("seqguard.services", List.of("demo")).config("seqguard.demo.greeting", "hi").start()) {
            assertThat(Files.readString(home.resolve("demo-started"))).startsWith("hi from");
        }
    }

    @Test
    void anUnselectedPluginIsDiscoveredButNotInstalled() {
        try (SeqguardServer server = builder().config("seqguard.services", List.of()).start()) {
            assertThat(home.resolve("demo-started")).doesNotExist();
        }
        assertThatThrownBy(() -> builder().config("seqguard.services", List.of("demo2")).start())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no service plugin has this id; available: demo");
    }

    @Test
    void aJarDirectlyInThePluginFolderIsAPluginOfItsOwn() throws Exception {
        // SPEC §7: a plugin is a jar; an operator drops it into plugins/ without making a folder.
        Path jar = home.resolve("plugins/demo/demo-plugin.jar");
        Files.move(jar, home.resolve("plugins/demo-plugin.jar"));
        try (Stream<Path> rest = Files.list(jar.getParent())) {
            for (Path file : rest.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(jar.getParent());

        try (SeqguardServer server = builder().config("seqguard.services", List.of("demo")).start()) {
            assertThat(Files.readString(home.resolve("demo-started"))).isEqualTo("hello from plugin-demo-plugin");
            assertThat(server.config().config().getString("seqguard.demo.greeting")).as("the jar's reference.conf is merged")
                    .isEqualTo("hello");
        }
    }

    @Test
    void aJarWithoutAPluginInThePluginFolderIsReported() throws Exception {
        Path stray = home.resolve("plugins/stray.jar");
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(stray))) {
            out.flush();
        }
        assertThatThrownBy(() -> builder().config("seqguard.services", List.of()).start())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("plugin jar " + stray + " has no META-INF/services/io.seqguard.spi.Plugin entry");
    }

    @Test
    void aProviderThatCannotBeLoadedIsReportedAndTheNextOneIsStillFound() throws Exception {
        Path jar = home.resolve("plugins/demo/demo-plugin.jar");
        rewriteServices(jar, "nope.MissingPlugin\ndemo.DemoPlugin\n");

        assertThatThrownBy(() -> builder().config("seqguard.services", List.of("demo", "other")).start())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot load a plugin from " + jar.getParent())
                .hasMessageContaining("nope.MissingPlugin")
                .hasMessageContaining("no service plugin has this id; available: demo");
    }

    @Test
    void aPluginWhoseIdNoConfigurationCanNameIsReported() {
        Plugin capitalised = new Plugin() {
            @Override
            public PluginKind kind() {
                return PluginKind.SERVICE;
            }

            @Override
            public String id() {
                return "Redis";
            }

            @Override
            public String configPath() {
                return null;
            }

            @Override
            public com.google.inject.Module module(io.seqguard.spi.config.ConfigReader config) {
                return binder -> { };
            }
        };
        assertThatThrownBy(() -> builder().config("seqguard.services", List.of()).plugin(capitalised).start())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("has the id 'Redis', which no configuration can select");
    }

    /** Replaces the jar's service file, keeping every other entry. */
    private static void rewriteServices(Path jar, String services) throws IOException {
        Path copy = jar.resolveSibling("rewritten.tmp");
        try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(Files.newInputStream(jar));
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy))) {
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                if (!entry.getName().equals("META-INF/services/io.seqguard.spi.Plugin")) {
                    add(out, entry.getName(), in.readAllBytes());
                }
            }
            add(out, "META-INF/services/io.seqguard.spi.Plugin", services.getBytes(StandardCharsets.UTF_8));
        }
        Files.move(copy, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aFolderWithoutAPluginIsReported() throws Exception {
        Path stray = home.resolve("plugins/stray/lib.jar");
        Files.createDirectories(stray.getParent());
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(stray))) {
            out.flush();
        }
        assertThatThrownBy(() -> builder().config("seqguard.services", List.of()).start())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("holds jars but no META-INF/services/io.seqguard.spi.Plugin entry");
    }
}
