package io.seqguard.storage.sqlite;

import com.google.inject.Module;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.config.ConfigReader;

/**
 * The embedded SQLite store, storage plugin {@code sqlite} (the default), configured under
 * {@code seqguard.sqlite}. Does no work in its constructor; thread safe.
 */
public final class SqlitePlugin implements Plugin {
    public SqlitePlugin() {
    }

    @Override
    public PluginKind kind() {
        return PluginKind.STORAGE;
    }

    @Override
    public String id() {
        return "sqlite";
    }

    @Override
    public String configPath() {
        return SqliteConfig.NAMESPACE;
    }

    @Override
    public String description() {
        return "embedded SQLite store (one file, group commit)";
    }

    @Override
    public Module module(ConfigReader config) {
        return new SqliteModule(SqliteConfig.read(config));
    }
}
