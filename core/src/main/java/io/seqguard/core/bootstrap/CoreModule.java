package io.seqguard.core.bootstrap;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqguard.core.config.CoreConfig;
import io.seqguard.core.config.ErrorTableConfig;
import io.seqguard.core.config.PurgeConfig;
import io.seqguard.core.config.SequenceConfig;
import io.seqguard.core.engine.DefaultAgentRequestHandler;
import io.seqguard.core.engine.EngineMetrics;
import io.seqguard.core.engine.ErrorPurge;
import io.seqguard.core.engine.SequenceEngine;
import io.seqguard.core.engine.ServerLogSink;
import io.seqguard.core.engine.TableSink;
import io.seqguard.spi.AgentRequestHandler;
import io.seqguard.spi.ErrorSink;
import io.seqguard.spi.Managed;
import io.seqguard.spi.RequestAuthenticator;
import io.seqguard.spi.SequenceGuard;
import io.seqguard.spi.SequencePolicy;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Binds the engine and its collaborators. Integrators replace the defaults through
 * {@link OptionalBinder}: {@code AgentRequestHandler}, {@code RequestAuthenticator}, {@code Clock}
 * and {@code MeterRegistry}, the last only without the HTTP transport, which binds its Prometheus
 * registry there (and serves it on /metrics); with it, add meters to that registry instead.
 */
final class CoreModule extends AbstractModule {
    private final Config config;
    private final Path home;
    private final CoreConfig core;
    private final SequenceConfig sequence;
    private final ErrorTableConfig errors;
    private final PurgeConfig purge;

    CoreModule(Config config, Path home, CoreConfig core, SequenceConfig sequence, ErrorTableConfig errors, PurgeConfig purge) {
        this.config = requireNonNull(config, "config");
        this.home = requireNonNull(home, "home");
        this.core = requireNonNull(core, "core");
        this.sequence = requireNonNull(sequence, "sequence");
        this.errors = requireNonNull(errors, "errors");
        this.purge = requireNonNull(purge, "purge");
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        binder().disableCircularProxies();

        bind(Config.class).toInstance(config);
        bind(Path.class).annotatedWith(Home.class).toInstance(home);
        bind(CoreConfig.class).toInstance(core);
        bind(SequenceConfig.class).toInstance(sequence);
        bind(SequencePolicy.class).toInstance(sequence.policy());
        bind(ErrorTableConfig.class).toInstance(errors);
        bind(PurgeConfig.class).toInstance(purge);

        OptionalBinder.newOptionalBinder(binder(), Clock.class).setDefault().toInstance(Clock.systemUTC());
        OptionalBinder.newOptionalBinder(binder(), MeterRegistry.class).setDefault().to(SimpleMeterRegistry.class);
        bind(SimpleMeterRegistry.class).toProvider(SimpleMeterRegistry::new).in(Singleton.class);
        OptionalBinder.newOptionalBinder(binder(), AgentRequestHandler.class).setDefault().to(DefaultAgentRequestHandler.class);
        bind(DefaultAgentRequestHandler.class).in(Singleton.class);
        OptionalBinder.newOptionalBinder(binder(), RequestAuthenticator.class).setDefault().toInstance(RequestAuthenticator.ALLOW_ALL);

        bind(EngineMetrics.class).in(Singleton.class);
        bind(SequenceEngine.class).in(Singleton.class);
        bind(SequenceGuard.class).to(SequenceEngine.class);
        bind(ErrorPurge.class).in(Singleton.class);

        Multibinder<ErrorSink> sinks = Multibinder.newSetBinder(binder(), ErrorSink.class);
        if (errors.sinks().contains(ServerLogSink.ID)) {
            sinks.addBinding().toInstance(new ServerLogSink());
        }
        if (errors.sinks().contains(TableSink.ID)) {
            sinks.addBinding().to(TableSink.class);
            bind(TableSink.class).in(Singleton.class);
        }
        Multibinder.newSetBinder(binder(), Managed.class);
    }
}
