package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqliteConfigTest {
    private static final Path HOME = Path.of("/opt/seqguard");

    @Test
    void defaultsEqualReferenceConf() {
        ConfigReader reader = ConfigReader.of(ConfigFactory.load(), HOME);
        SqliteConfig config = SqliteConfig.read(reader);
        assertThat(reader.problems()).isEmpty();
        assertThat(config).isEqualTo(SqliteConfig.defaults(HOME.resolve("data/seqguard.db")));
    }

    @Test
    void everyKeyMaps() {
        SqliteConfig config = read(Map.of(
                "path", "/var/lib/seqguard/x.db",
                "synchronous", "NORMAL",
                "busy-timeout", "250ms",
                "max-group-size", 64,
                "commit-timeout", "3s",
                "agent-cache-size", 10,
                "page-cache", "1MiB",
                "read-connections", 4,
                "checkpoint-pages", 10_000,
                "journal-size", 500), List.of());
        assertThat(config).isEqualTo(new SqliteConfig(Path.of("/var/lib/seqguard/x.db"), SynchronousMode.NORMAL, Duration.ofMillis(250), 64,
                Duration.ofSeconds(3), 10, 1 << 20, 4, 10_000, 500));
        assertThat(read(Map.of("synchronous", "extra", "path", "db/other.db"), List.of()))
                .satisfies(c -> assertThat(c.synchronous()).isEqualTo(SynchronousMode.EXTRA))
                .satisfies(c -> assertThat(c.path()).isEqualTo(HOME.resolve("db/other.db")));
    }

    @Test
    void everyInvalidValueNamesItsAbsoluteKey() {
        read(Map.of(
                "path", "",
                "synchronous", "sometimes",
                "busy-timeout", "forever",
                "max-group-size", 0,
                "commit-timeout", "1ms",
                "agent-cache-size", -1,
                "page-cache", "lots",
                "read-connections", 0,
                "checkpoint-pages", 0,
                "journal-size", -1), List.of(
                "seqguard.sqlite.path",
                "seqguard.sqlite.synchronous",
                "seqguard.sqlite.busy-timeout",
                "seqguard.sqlite.max-group-size",
                "seqguard.sqlite.commit-timeout",
                "seqguard.sqlite.agent-cache-size",
                "seqguard.sqlite.page-cache",
                "seqguard.sqlite.read-connections",
                "seqguard.sqlite.checkpoint-pages",
                "seqguard.sqlite.journal-size"));
    }

    private static SqliteConfig read(Map<String, Object> values, List<String> expectedProblemKeys) {
        Config overrides = ConfigFactory.parseMap(Map.of("seqguard", Map.of("sqlite", values)));
        ConfigReader reader = ConfigReader.of(overrides.withFallback(ConfigFactory.load()).resolve(), HOME);
        SqliteConfig config = SqliteConfig.read(reader);
        assertThat(reader.problems()).extracting(ConfigProblem::key).containsExactlyInAnyOrderElementsOf(expectedProblemKeys);
        return config;
    }
}
