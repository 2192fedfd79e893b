package io.seqguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.seqguard.spi.Enforcement;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every key of core's reference.conf, set to a non-default value in application.conf, reaches its record. */
class ConfigMappingTest {
    /** A non-default value for every key of core's reference.conf. */
    private static final String EVERY_KEY = """
            seqguard {
              storage = jdbc
              transports = [http, grpc-gateway]
              services = []
              sequence { enforcement = audit, window = 64 }
              errors {
                sinks = [table]
                table { max-per-hour = 5, history-days = 30 }
              }
              purge.interval = 6h
              compat.server-ini = "etc/legacy.ini"
              plugins.dir = "/opt/seqguard-plugins"
            }
            """;

    @TempDir
    Path dir;

    @Test
    void everyKeyMaps() {
        TestHome home = new TestHome(dir);
        home.applicationConf(EVERY_KEY);
        LoadedConfig loaded = home.load();
        ConfigReader reader = loaded.reader();

        CoreConfig core = CoreConfig.read(reader);
        SequenceConfig sequence = SequenceConfig.read(reader);
        ErrorTableConfig errors = ErrorTableConfig.read(reader);
        PurgeConfig purge = PurgeConfig.read(reader);

        assertThat(reader.problems()).isEmpty();
        assertThat(core).isEqualTo(new CoreConfig("jdbc", List.of("http", "grpc-gateway"), List.of(), Path.of("/opt/seqguard-plugins"),
                java.util.Optional.of(dir.toAbsolutePath().resolve("etc/legacy.ini"))));
        assertThat(sequence).isEqualTo(new SequenceConfig(64, Enforcement.AUDIT));
        assertThat(sequence.policy()).isEqualTo(new SequencePolicy(64, Enforcement.AUDIT));
        assertThat(errors).isEqualTo(new ErrorTableConfig(5, List.of("table"), 30));
        assertThat(purge).isEqualTo(new PurgeConfig(Duration.ofHours(6)));
    }

    /** Guards the test above: a key added to reference.conf without a record test fails here. */
    @Test
    void everyReferenceKeyIsCoveredAbove() {
        var reference = new TestHome(dir).load().reference().withOnlyPath(ConfigLoader.ROOT);
        var covered = ConfigFactory.parseString(EVERY_KEY);
        assertThat(covered.entrySet().stream().map(Map.Entry::getKey))
                .containsExactlyInAnyOrderElementsOf(reference.entrySet().stream().map(Map.Entry::getKey).toList());
    }

    @Test
    void zeroMaxPerHourDisablesTheTable() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.errors.table.max-per-hour = 0");
        ConfigReader reader = home.load().reader();
        assertThat(ErrorTableConfig.read(reader).tableEnabled()).isFalse();
        assertThat(reader.problems()).isEmpty();
    }

    @Test
    void bounds() {
        TestHome home = new TestHome(dir);
        home.applicationConf("""
                seqguard.sequence.window = 4096
                seqguard.errors.table { max-per-hour = 1000000, history-days = 3650 }
                seqguard.purge.interval = 365d
                """);
        ConfigReader reader = home.load().reader();
        assertThat(SequenceConfig.read(reader).window()).isEqualTo(SequencePolicy.MAX_WINDOW);
        assertThat(ErrorTableConfig.read(reader)).isEqualTo(new ErrorTableConfig(ErrorTableConfig.MAX_PER_HOUR, List.of("server-log", "table"), 3650));
        assertThat(PurgeConfig.read(reader).interval()).isEqualTo(PurgeConfig.MAX_INTERVAL);
        assertThat(reader.problems()).isEmpty();
    }

    @Test
    void explicitApplicationConfRelativeToHome() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.sequence.window = 1");
        home.write("elsewhere/site.conf", "seqguard.sequence.window = 2");
        LoadedConfig loaded = ConfigLoader.load(home.sources().applicationConf(Path.of("elsewhere/site.conf")).build());
        assertThat(loaded.problems()).isEmpty();
        // An explicit file replaces the default one; it is not layered over it.
        assertThat(loaded.config().getInt("seqguard.sequence.window")).isEqualTo(2);
    }

    @Test
    void overridesFromCode() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.sequence.window = 1\nseqguard.storage = jdbc");
        LoadedConfig loaded = ConfigLoader.load(home.sources()
                .overrides(Map.of("seqguard.sequence.window", 8))
                .overrides(ConfigFactory.parseString("seqguard.sequence.window = 16, seqguard.errors.sinks = [table]"))
                .build());
        assertThat(loaded.problems()).isEmpty();
        ConfigReader reader = loaded.reader();
        assertThat(SequenceConfig.read(reader).window()).isEqualTo(16);
        assertThat(ErrorTableConfig.read(reader).sinks()).containsExactly("table");
        assertThat(CoreConfig.read(reader).storage()).isEqualTo("jdbc");
    }

    @Test
    void substitutionsResolveAcrossSources() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.errors.table.history-days = ${seqguard.sequence.window}");
        home.systemProperty("seqguard.sequence.window", "9");
        ConfigReader reader = home.load().reader();
        assertThat(ErrorTableConfig.read(reader).historyDays()).isEqualTo(9);
        assertThat(reader.problems()).isEmpty();
    }

    @Test
    void systemPropertyListSyntax() {
        TestHome home = new TestHome(dir).systemProperty("seqguard.transports", "[http, admin-only]");
        ConfigReader reader = home.load().reader();
        assertThat(CoreConfig.read(reader).transports()).containsExactly("http", "admin-only");
        assertThat(reader.problems()).isEmpty();
    }
}
