package io.seqguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.seqguard.spi.Enforcement;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With no application.conf, Server.ini or system property, every record holds core's reference.conf. */
class ConfigDefaultsTest {
    /** Core's reference.conf as written in the source tree, parsed on its own. */
    private static final Path REFERENCE = Path.of("src/main/resources/reference.conf");

    @TempDir
    Path dir;

    private Config reference;
    private ConfigReader reader;
    private LoadedConfig loaded;

    @BeforeEach
    void load() {
        assertThat(REFERENCE).as("tests run in the core module folder").exists();
        reference = ConfigFactory.parseFile(REFERENCE.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        loaded = new TestHome(dir).load();
        reader = loaded.reader();
    }

    @Test
    void loadsWithoutProblemsOrWarnings() {
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.warnings()).isEmpty();
        assertThat(loaded.home()).isEqualTo(dir.toAbsolutePath().normalize());
    }

    @Test
    void coreDefaults() {
        CoreConfig core = CoreConfig.read(reader);
        assertThat(core.storage()).isEqualTo(reference.getString("seqguard.storage"));
        assertThat(core.transports()).isEqualTo(reference.getStringList("seqguard.transports"));
        assertThat(core.services()).isEqualTo(reference.getStringList("seqguard.services"));
        assertThat(core.pluginsDir()).isEqualTo(dir.resolve(reference.getString("seqguard.plugins.dir")));
        assertThat(core.serverIni()).contains(dir.resolve(reference.getString("seqguard.compat.server-ini")));
        assertThat(reader.problems()).isEmpty();
    }

    @Test
    void sequenceDefaults() {
        SequenceConfig sequence = SequenceConfig.read(reader);
        assertThat(sequence.window()).isEqualTo(reference.getInt("seqguard.sequence.window"));
        assertThat(sequence.enforcement().configValue()).isEqualTo(reference.getString("seqguard.sequence.enforcement"));
        // SPEC §6: strict and enforcing unless configured otherwise.
        assertThat(sequence.policy()).isEqualTo(SequencePolicy.STRICT);
        assertThat(sequence.enforcement()).isEqualTo(Enforcement.ENFORCE);
        assertThat(reader.problems()).isEmpty();
    }

    @Test
    void errorTableDefaults() {
        ErrorTableConfig errors = ErrorTableConfig.read(reader);
        assertThat(errors.maxPerHour()).isEqualTo(reference.getInt("seqguard.errors.table.max-per-hour")).isEqualTo(1000);
        assertThat(errors.historyDays()).isEqualTo(reference.getInt("seqguard.errors.table.history-days")).isEqualTo(7);
        assertThat(errors.sinks()).isEqualTo(reference.getStringList("seqguard.errors.sinks"));
        assertThat(errors.tableEnabled()).isTrue();
        assertThat(reader.problems()).isEmpty();
    }

    @Test
    void purgeDefaults() {
        PurgeConfig purge = PurgeConfig.read(reader);
        assertThat(purge.interval()).isEqualTo(reference.getDuration("seqguard.purge.interval"));
        assertThat(reader.problems()).isEmpty();
    }

    @Test
    void mergedReferenceHoldsCoreReference() throws Exception {
        assertThat(Files.readString(REFERENCE)).contains("seqguard");
        for (var entry : reference.entrySet()) {
            assertThat(loaded.reference().getValue(entry.getKey()).unwrapped()).as(entry.getKey()).isEqualTo(entry.getValue().unwrapped());
        }
    }
}
