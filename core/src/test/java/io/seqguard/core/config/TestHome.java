package io.seqguard.core.config;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.seqguard.spi.config.ConfigReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * An installation home in a temporary folder, with helpers to write its files and load its
 * configuration. System properties are empty unless a test sets some, so the JVM's own never
 * leak in.
 */
final class TestHome {
    private final Path home;
    private final Properties systemProperties = new Properties();
    private final List<ClassLoader> referenceLoaders = new ArrayList<>(List.of(ConfigLoader.class.getClassLoader()));

    TestHome(Path home) {
        this.home = home;
    }

    Path path() {
        return home;
    }

    /** Writes {@code text} (UTF-8) to a file below the home and returns its absolute path. */
    Path write(String relative, String text) {
        return write(relative, text.getBytes(UTF_8));
    }

    Path write(String relative, byte[] bytes) {
        try {
            Path file = home.resolve(relative).toAbsolutePath().normalize();
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes conf/application.conf. */
    Path applicationConf(String text) {
        return write("conf/application.conf", text);
    }

    /** Writes conf/Server.ini. */
    Path serverIni(String text) {
        return write("conf/Server.ini", text);
    }

    TestHome systemProperty(String key, String value) {
        systemProperties.setProperty(key, value);
        return this;
    }

    /** Adds a class loader, like a plugin folder's, whose only reference.conf is {@code text}. */
    TestHome pluginReference(String folder, String text) {
        Path file = write(folder + "/reference.conf", text);
        try {
            referenceLoaders.add(new URLClassLoader(new URL[] {file.getParent().toUri().toURL()}, null));
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    ConfigSources.Builder sources() {
        return ConfigSources.builder().home(home).systemProperties(systemProperties).referenceLoaders(referenceLoaders);
    }

    LoadedConfig load() {
        return ConfigLoader.load(sources().build());
    }

    /** Loads, reads every core record into one reader and returns it with its problems. */
    ConfigReader readAll() {
        ConfigReader reader = load().reader();
        CoreConfig.read(reader);
        SequenceConfig.read(reader);
        ErrorTableConfig.read(reader);
        PurgeConfig.read(reader);
        return reader;
    }
}
