package io.seqguard.core.bootstrap;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import io.seqguard.spi.Managed;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.SequenceGuard;
import io.seqguard.spi.Transport;
import io.seqguard.spi.config.ConfigReader;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A test transport that drives check-ins from code and records its lifecycle. */
final class RecordingTransportPlugin implements Plugin {
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    private final boolean failOnStart;

    RecordingTransportPlugin(boolean failOnStart) {
        this.failOnStart = failOnStart;
    }

    @Override
    public PluginKind kind() {
        return PluginKind.TRANSPORT;
    }

    @Override
    public String id() {
        return "recording";
    }

    @Override
    public String configPath() {
        return null;
    }

    @Override
    public Module module(ConfigReader config) {
        boolean fail = failOnStart;
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(Boolean.class).toInstance(fail);
                bind(RecordingTransport.class).in(com.google.inject.Singleton.class);
                Multibinder.newSetBinder(binder(), Managed.class).addBinding().to(RecordingTransport.class);
            }
        };
    }

    static final class RecordingTransport implements Transport {
        private final SequenceGuard guard;
        private final boolean fail;

        @Inject
        RecordingTransport(SequenceGuard guard, Boolean fail) {
            this.guard = guard;
            this.fail = fail;
        }

        SequenceGuard guard() {
            return guard;
        }

        @Override
        public void start() {
            if (fail) {
                throw new IllegalStateException("port in use");
            }
            EVENTS.add("transport started");
        }

        @Override
        public void stop() {
            EVENTS.add("transport stopped");
        }

        @Override
        public List<URI> endpoints() {
            return List.of(URI.create("test:recording"));
        }
    }
}
