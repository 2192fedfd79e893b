package io.seqguard.transport.jetty;

import com.google.inject.Module;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.config.ConfigReader;

/**
 * The {@code http} transport plugin: the agent endpoint and the admin API on Jetty 12, selected
 * by {@code seqguard.transports = [http]} and configured under {@value HttpConfig#PATH}.
 * Stateless; the constructor does nothing.
 */
public final class HttpTransportPlugin implements Plugin {
    /** The id that selects this plugin. */
    public static final String ID = "http";

    @Override
    public PluginKind kind() {
        return PluginKind.TRANSPORT;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String configPath() {
        return HttpConfig.PATH;
    }

    @Override
    public String description() {
        return "HTTP agent endpoint, admin API and Prometheus metrics (Jetty 12)";
    }

    @Override
    public Module module(ConfigReader config) {
        return new HttpTransportModule(HttpConfig.read(config));
    }
}
