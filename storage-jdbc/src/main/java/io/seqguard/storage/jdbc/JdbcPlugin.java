package io.seqguard.storage.jdbc;

import com.google.inject.Module;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.config.ConfigReader;

/**
 * The {@code jdbc} storage plugin: sequence state and the error table in a PostgreSQL or
 * MariaDB/MySQL database that several seqguard nodes share. Configured under
 * {@value JdbcConfig#NAMESPACE}. Stateless; the constructor does nothing.
 */
public final class JdbcPlugin implements Plugin {
    /** The id {@code seqguard.storage} uses to select this plugin. */
    public static final String ID = "jdbc";

    @Override
    public PluginKind kind() {
        return PluginKind.STORAGE;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String configPath() {
        return JdbcConfig.NAMESPACE;
    }

    @Override
    public String description() {
        return "storage plugin jdbc: PostgreSQL or MariaDB/MySQL shared by several nodes";
    }

    @Override
    public Module module(ConfigReader config) {
        return new JdbcModule(JdbcConfig.read(config));
    }
}
