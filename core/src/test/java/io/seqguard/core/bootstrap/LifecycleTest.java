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
        }

        @Override
        public void stop() throws Exception {
            events.add("stop " + name);
            if (stopFailure != null) {
                throw stopFailure;
            }
        }
    }
}
