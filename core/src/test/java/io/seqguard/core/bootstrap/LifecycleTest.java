package io.seqguard.core.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.spi.Managed;
import io.seqguard.spi.Phase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final List<String> events = new ArrayList<>();

    @Test
    void startsByPhaseInBindingOrderWithinAPhaseAndStopsInReverse() {
        Lifecycle lifecycle = new Lifecycle(List.of(
                new Recording("http", Phase.TRANSPORT), new Recording("db", Phase.STORAGE),
                new Recording("purge", Phase.SERVICE), new Recording("cache", Phase.STORAGE)));

        lifecycle.start();
        lifecycle.stop();
        lifecycle.stop();

        assertThat(events).containsExactly(
                "start db", "start cache", "start purge", "start http",
                "stop http", "stop purge", "stop cache", "stop db");
    }

    @Test
    void aComponentWhoseStartFailedIsStoppedBeforeTheOnesStartedEarlierAndLaterOnesNeverStart() {
        Recording failing = new Recording("purge", Phase.SERVICE);
        failing.startFailure = new IllegalStateException("schema is newer than this build");
        Lifecycle lifecycle = new Lifecycle(List.of(
                new Recording("db", Phase.STORAGE), failing, new Recording("http", Phase.TRANSPORT)));

        assertThatThrownBy(lifecycle::start).isInstanceOf(StartupException.class)
                .hasMessage("Recording failed to start: schema is newer than this build")
                .hasCause(failing.startFailure);

        // The failed one may hold what it opened before it failed (a pool, a file): it is stopped first.
        assertThat(events).containsExactly("start db", "start purge", "stop purge", "stop db");
        lifecycle.stop();
        assertThat(events).as("nothing is stopped twice").hasSize(4);
    }

    @Test
    void anErrorInAStartStillStopsWhatStartedAndGoesOnUp() {
        Recording failing = new Recording("webhook", Phase.SERVICE);
        failing.startError = new NoClassDefFoundError("com/acme/webhook/Client");
        Lifecycle lifecycle = new Lifecycle(List.of(new Recording("db", Phase.STORAGE), failing));

        assertThatThrownBy(lifecycle::start).isSameAs(failing.startError);

        assertThat(events).containsExactly("start db", "start webhook", "stop webhook", "stop db");
    }

    @Test
    void anErrorInAStopDoesNotKeepTheOthersRunning() {
        Recording failingStop = new Recording("webhook", Phase.SERVICE);
        failingStop.stopError = new NoClassDefFoundError("com/acme/webhook/Client");
        Lifecycle lifecycle = new Lifecycle(List.of(new Recording("db", Phase.STORAGE), failingStop));
        lifecycle.start();

        lifecycle.stop();

        assertThat(events).endsWith("stop webhook", "stop db");
    }

    @Test
    void aFatalErrorInAStopStillStopsTheOthersAndThenGoesOnUp() {
        Recording overflowing = new Recording("webhook", Phase.SERVICE);
        overflowing.stopError = new StackOverflowError();
        Lifecycle lifecycle = new Lifecycle(List.of(new Recording("db", Phase.STORAGE), overflowing));
        lifecycle.start();

        assertThatThrownBy(lifecycle::stop).isSameAs(overflowing.stopError);

        assertThat(events).endsWith("stop webhook", "stop db");
    }

    @Test
    void aStopThatFailsDoesNotKeepTheOthersRunning() {
        Recording failingStop = new Recording("purge", Phase.SERVICE);
        failingStop.stopFailure = new IllegalStateException("stuck");
        Lifecycle lifecycle = new Lifecycle(List.of(
                new Recording("db", Phase.STORAGE), failingStop, new Recording("http", Phase.TRANSPORT)));
        lifecycle.start();

        lifecycle.stop();

        assertThat(events).endsWith("stop http", "stop purge", "stop db");
    }

    private final class Recording implements Managed {
        private final String name;
        private final Phase phase;
        private Exception startFailure;
        private Exception stopFailure;
        private Error startError;
        private Error stopError;

        Recording(String name, Phase phase) {
            this.name = name;
            this.phase = phase;
        }

        @Override
        public Phase phase() {
            return phase;
        }

        @Override
        public void start() throws Exception {
            events.add("start " + name);
            if (startFailure != null) {
                throw startFailure;
            }
            if (startError != null) {
                throw startError;
            }
        }

        @Override
        public void stop() throws Exception {
            events.add("stop " + name);
            if (stopFailure != null) {
                throw stopFailure;
            }
            if (stopError != null) {
                throw stopError;
            }
        }
    }
}
