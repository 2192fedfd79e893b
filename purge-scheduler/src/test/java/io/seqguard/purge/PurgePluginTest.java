package io.seqguard.purge;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.core.bootstrap.SeqguardServer;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PurgePluginTest {
    @TempDir
    Path home;

    @Test
    void serviceLoaderFindsThePurgePlugin() {
        List<Plugin> purge = ServiceLoader.load(Plugin.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(plugin -> plugin.kind() == PluginKind.SERVICE && plugin.id().equals("purge"))
                .toList();

        assertThat(purge).singleElement().isInstanceOf(PurgePlugin.class);
        assertThat(purge.get(0).configPath()).isNull();
        assertThat(purge.get(0).description()).isNotBlank();
    }

    @Test
    void bootsFromReferenceConfAndStopsCleanlyTwice() throws InterruptedException {
        for (int round = 0; round < 2; round++) {
            SeqguardServer server = SeqguardServer.builder()
                    .home(home)
                    .systemProperties(new Properties())
                    .config("seqguard.storage", "memory")
                    .config("seqguard.transports", List.of())
                    .start();
            PurgeScheduler scheduler = server.instance(PurgeScheduler.class);
            assertThat(scheduler.succeeded()).isEqualTo(1);
            assertThat(scheduler.failed()).isZero();
            assertThat(scheduler.interval()).hasHours(24);

            server.stop();
            server.stop();
            assertThat(scheduler.succeeded()).isEqualTo(1);
            assertNoPurgeThreadLeft();
        }
    }

    // The executor has terminated once stop() returns; its thread may need a moment more to die.
    private static void assertNoPurgeThreadLeft() throws InterruptedException {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(PurgeScheduler.THREAD_NAME)) {
                thread.join(60_000);
                assertThat(thread.isAlive()).as("purge thread still alive").isFalse();
            }
        }
    }
}
