package io.seqguard.transport.jetty;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.seqguard.spi.Managed;

/**
 * Binds the HTTP transport: its configuration, a Prometheus registry as the server's
 * {@link MeterRegistry} (so {@code /metrics} shows the engine's meters), and
 * {@link JettyTransport} as a {@link Managed} component. Only binds.
 */
final class HttpTransportModule extends AbstractModule {
    private final HttpConfig config;

    HttpTransportModule(HttpConfig config) {
        this.config = requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(HttpConfig.class).toInstance(config);
        bind(PrometheusMeterRegistry.class).toProvider(() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).in(Singleton.class);
        OptionalBinder.newOptionalBinder(binder(), MeterRegistry.class).setBinding().to(PrometheusMeterRegistry.class);
        bind(JettyTransport.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), Managed.class).addBinding().to(JettyTransport.class);
    }
}
