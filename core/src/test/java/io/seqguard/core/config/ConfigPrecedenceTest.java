package io.seqguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.Enforcement;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

/** reference.conf < application.conf (< code overrides) < Server.ini < system properties, with one key set at every level. */
class ConfigPrecedenceTest {
    private static final String KEY = "seqguard.errors.table.max-per-hour";

    @TempDir
    Path dir;

    @Test
    void referenceAlone() {
        assertThat(maxPerHour(new TestHome(dir))).isEqualTo(1000);
    }

    @Test
    void applicationConfOverReference() {
        TestHome home = new TestHome(dir);
        home.applicationConf(KEY + " = 10");
        assertThat(maxPerHour(home)).isEqualTo(10);
        assertThat(origin(home)).isEqualTo(dir.resolve("conf/application.conf").toAbsolutePath() + ": 1");
    }

    @Test
    void codeOverridesOverApplicationConf() {
        TestHome home = new TestHome(dir);
        home.applicationConf(KEY + " = 10");
        LoadedConfig loaded = ConfigLoader.load(home.sources().overrides(Map.of(KEY, 15)).build());
        assertThat(loaded.config().getInt(KEY)).isEqualTo(15);
    }

    @Test
    void serverIniOverApplicationConfAndCode() {
        TestHome home = new TestHome(dir);
        home.applicationConf(KEY + " = 10");
        home.serverIni("[Server]\nSequenceNumberErrorLogMaxErrorsPerHour=20\n");
        LoadedConfig loaded = ConfigLoader.load(home.sources().overrides(Map.of(KEY, 15)).build());
        assertThat(loaded.config().getInt(KEY)).isEqualTo(20);
        assertThat(loaded.config().getValue(KEY).origin().description()).contains("Server.ini line 2");
    }

    @Test
    void systemPropertyOverEverything() {
        TestHome home = new TestHome(dir);
        home.applicationConf(KEY + " = 10");
        home.serverIni("[Server]\nSequenceNumberErrorLogMaxErrorsPerHour=20\n");
        home.systemProperty(KEY, "30");
        LoadedConfig loaded = ConfigLoader.load(home.sources().overrides(Map.of(KEY, 15)).build());
        assertThat(ErrorTableConfig.read(loaded.reader()).maxPerHour()).isEqualTo(30);
        assertThat(ConfigReader.of(loaded.config(), dir).originOf(KEY)).isEqualTo("system property -D" + KEY);
    }

    @Test
    void everyLevelForEnforcement() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.sequence.enforcement = audit");
        assertThat(enforcement(home)).isEqualTo(Enforcement.AUDIT);
        home.serverIni("[Server]\nConnectionsRequireValidSequenceNumber=1\n");
        assertThat(enforcement(home)).isEqualTo(Enforcement.ENFORCE);
        home.systemProperty("seqguard.sequence.enforcement", "audit");
        assertThat(enforcement(home)).isEqualTo(Enforcement.AUDIT);
    }

    @Test
    void otherSystemPropertiesAreNotTaken() {
        TestHome home = new TestHome(dir).systemProperty("seqguardian.x", "1").systemProperty("user.name", "someone");
        LoadedConfig loaded = home.load();
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().hasPath("seqguardian")).isFalse();
        assertThat(loaded.config().hasPath("user.name")).isFalse();
    }

    @Test
    void serverIniLocationFromApplicationConf() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.compat.server-ini = \"legacy/ePO.ini\"");
        home.serverIni("[Server]\nSequenceNumberErrorLogMaxErrorsPerHour=20\n"); // the default place: not read
        home.write("legacy/ePO.ini", "[Server]\nSequenceNumberErrorLogMaxErrorsPerHour=21\n");
        assertThat(maxPerHour(home)).isEqualTo(21);
    }

    @Test
    void serverIniLocationFromSystemProperty() {
        TestHome home = new TestHome(dir);
        Path ini = home.write("elsewhere/Server.ini", "[Server]\nSequenceNumberErrorLogMaxErrorsPerHour=22\n");
        home.systemProperty("seqguard.compat.server-ini", ini.toString());
        assertThat(maxPerHour(home)).isEqualTo(22);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "null"})
    void anEmptyServerIniSettingSwitchesTheImportOff(String value) {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.errors.table.max-per-hour = 7\nseqguard.compat.server-ini = " + value);
        home.serverIni("[Server]\nSequenceNumberErrorLogMaxErrorsPerHour=20\n"); // the default place: not read
        LoadedConfig loaded = home.load();
        assertThat(loaded.problems()).isEmpty();
        assertThat(CoreConfig.read(loaded.reader()).serverIni()).isEmpty();
        assertThat(maxPerHour(home)).isEqualTo(7);
    }

    @Test
    void missingServerIniIsFine() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.compat.server-ini = \"conf/absent.ini\"");
        LoadedConfig loaded = home.load();
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.warnings()).isEmpty();
    }

    private static int maxPerHour(TestHome home) {
        ConfigReader reader = home.load().reader();
        int value = ErrorTableConfig.read(reader).maxPerHour();
        assertThat(reader.problems()).isEmpty();
        return value;
    }

    private static String origin(TestHome home) {
        return home.load().reader().originOf(KEY);
    }

    private static Enforcement enforcement(TestHome home) {
        ConfigReader reader = home.load().reader();
        Enforcement value = SequenceConfig.read(reader).enforcement();
        assertThat(reader.problems()).isEmpty();
        return value;
    }
}
