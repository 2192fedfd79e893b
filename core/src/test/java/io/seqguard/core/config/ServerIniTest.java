package io.seqguard.core.config;

import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.Enforcement;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Server.ini import of SPEC §6: its three keys, how it is read, and its bad values. */
class ServerIniTest {
    @TempDir
    Path dir;

    @Test
    void mapsTheThreeKeys() {
        TestHome home = new TestHome(dir);
        home.serverIni("""
                [Server]
                SequenceNumberErrorLogMaxErrorsPerHour=250
                SequenceNumberErrorLogHistDays=14
                ConnectionsRequireValidSequenceNumber=0
                """);
        LoadedConfig loaded = home.load();
        ConfigReader reader = loaded.reader();
        assertThat(ErrorTableConfig.read(reader)).extracting(ErrorTableConfig::maxPerHour, ErrorTableConfig::historyDays).containsExactly(250, 14);
        assertThat(SequenceConfig.read(reader).enforcement()).isEqualTo(Enforcement.AUDIT);
        assertThat(reader.problems()).isEmpty();
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void oneMeansEnforce() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.sequence.enforcement = audit");
        home.serverIni("[Server]\nConnectionsRequireValidSequenceNumber=1\n");
        assertThat(SequenceConfig.read(home.load().reader()).enforcement()).isEqualTo(Enforcement.ENFORCE);
    }

    @Test
    void toleratesBomCrlfCommentsBlanksAndLetterCase() {
        TestHome home = new TestHome(dir);
        String text = "; written by the ePO installer\r\n"
                + "# another comment\r\n"
                + "\r\n"
                + "  [ server ]  \r\n"
                + "  sequencenumbererrorlogmaxerrorsperhour   =   42   ; inline comment\r\n"
                + "SEQUENCENUMBERERRORLOGHISTDAYS=\"3\"\r\n"
                + "\tConnectionsRequireValidSequenceNumber = 0\r\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bytes.writeBytes(text.getBytes(UTF_8));
        home.write("conf/Server.ini", bytes.toByteArray());

        LoadedConfig loaded = home.load();
        ConfigReader reader = loaded.reader();
        assertThat(ErrorTableConfig.read(reader)).extracting(ErrorTableConfig::maxPerHour, ErrorTableConfig::historyDays).containsExactly(42, 3);
        assertThat(SequenceConfig.read(reader).enforcement()).isEqualTo(Enforcement.AUDIT);
        assertThat(reader.problems()).isEmpty();
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void readsUtf16WithByteOrderMark() {
        TestHome home = new TestHome(dir);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE});
        bytes.writeBytes("[Server]\r\nSequenceNumberErrorLogHistDays=9\r\n".getBytes(UTF_16LE));
        home.write("conf/Server.ini", bytes.toByteArray());
        assertThat(ErrorTableConfig.read(home.load().reader()).historyDays()).isEqualTo(9);
    }

    @Test
    void nonNumberNamesTheServerIniKeyFileAndLine() {
        TestHome home = new TestHome(dir);
        Path ini = home.serverIni("[Server]\n\nSequenceNumberErrorLogMaxErrorsPerHour=lots\n");
        ConfigProblem problem = single(home);
        assertThat(problem.key()).isEqualTo("seqguard.errors.table.max-per-hour");
        assertThat(problem.origin()).isEqualTo(ini + " line 3, [Server] SequenceNumberErrorLogMaxErrorsPerHour");
        assertThat(problem.value()).isEqualTo("\"lots\"");
        assertThat(problem.problem()).contains("whole number from 0 to 1000000");
    }

    @Test
    void negativeNamesTheServerIniKeyFileAndLine() {
        TestHome home = new TestHome(dir);
        Path ini = home.serverIni("[Server]\nSequenceNumberErrorLogHistDays=-3\n");
        ConfigProblem problem = single(home);
        assertThat(problem.key()).isEqualTo("seqguard.errors.table.history-days");
        assertThat(problem.origin()).isEqualTo(ini + " line 2, [Server] SequenceNumberErrorLogHistDays");
        assertThat(problem.value()).isEqualTo("-3");
        assertThat(problem.problem()).contains("whole number from 1 to 3650");
    }

    @Test
    void negativeMaxPerHour() {
        TestHome home = new TestHome(dir);
        home.serverIni("[Server]\nSequenceNumberErrorLogMaxErrorsPerHour=-1\n");
        assertThat(single(home).describe()).contains("= -1 (").contains("line 2, [Server] SequenceNumberErrorLogMaxErrorsPerHour");
    }

    @Test
    void emptyValue() {
        TestHome home = new TestHome(dir);
        home.serverIni("[Server]\nSequenceNumberErrorLogHistDays=\n");
        assertThat(single(home).value()).isEqualTo("\"\"");
    }

    @Test
    void aBadLineIsReportedEvenWhenASystemPropertyOverridesItsKey() {
        TestHome home = new TestHome(dir)
                .systemProperty("seqguard.sequence.enforcement", "enforce")
                .systemProperty("seqguard.errors.table.history-days", "5")
                .systemProperty("seqguard.errors.table.max-per-hour", "10");
        Path ini = home.serverIni("[Server]\nConnectionsRequireValidSequenceNumber=yes\nSequenceNumberErrorLogHistDays=abc\n"
                + "SequenceNumberErrorLogMaxErrorsPerHour=-1\n");
        assertThat(home.readAll().problems()).extracting(ConfigProblem::key, ConfigProblem::origin).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("seqguard.sequence.enforcement", ini + " line 2, [Server] ConnectionsRequireValidSequenceNumber"),
                org.assertj.core.groups.Tuple.tuple("seqguard.errors.table.history-days", ini + " line 3, [Server] SequenceNumberErrorLogHistDays"),
                org.assertj.core.groups.Tuple.tuple("seqguard.errors.table.max-per-hour", ini + " line 4, [Server] SequenceNumberErrorLogMaxErrorsPerHour"));
    }

    @Test
    void enforcementOtherThanZeroOrOne() {
        TestHome home = new TestHome(dir);
        Path ini = home.serverIni("[Server]\r\nSequenceNumberErrorLogHistDays=7\r\nConnectionsRequireValidSequenceNumber=2\r\n");
        ConfigProblem problem = single(home);
        assertThat(problem.key()).isEqualTo("seqguard.sequence.enforcement");
        assertThat(problem.origin()).isEqualTo(ini + " line 3, [Server] ConnectionsRequireValidSequenceNumber");
        assertThat(problem.value()).isEqualTo("\"2\"");
        assertThat(problem.problem()).contains("must be 1 (enforce").contains("or 0 (audit");
    }

    @Test
    void ignoredSectionsAndKeysGiveExactlyOneWarning() {
        TestHome home = new TestHome(dir);
        Path ini = home.serverIni("""
                Orphan=1
                [Database]
                DatabaseName=ePO_SERVER
                SequenceNumberErrorLogHistDays=99
                [Server]
                ServerHttpPort=80
                SequenceNumberErrorLogHistDays=5
                SequenceNumberErrorLogHistDays=6
                this line is not an entry
                [Empty]
                """);
        LoadedConfig loaded = home.load();
        assertThat(loaded.problems()).isEmpty();
        assertThat(ErrorTableConfig.read(loaded.reader()).historyDays()).isEqualTo(5); // the first one counts, as on Windows
        assertThat(loaded.warnings()).singleElement().satisfies(warning -> assertThat(warning)
                .startsWith(ini + ": ignored 6 entries")
                .contains("Orphan (line 1)")
                .contains("[Database] DatabaseName (line 3)")
                .contains("[Database] SequenceNumberErrorLogHistDays (line 4)")
                .contains("[Server] ServerHttpPort (line 6)")
                .contains("[Server] SequenceNumberErrorLogHistDays (line 8), a repeat of line 7")
                .contains("line 9 \"this line is not an entry\""));
    }

    @Test
    void problemsOfSeveralSourcesTogether() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.sequence.window = -1");
        home.serverIni("[Server]\nSequenceNumberErrorLogHistDays=x\nConnectionsRequireValidSequenceNumber=yes\n");
        List<ConfigProblem> problems = home.readAll().problems();
        assertThat(problems).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "seqguard.sequence.window", "seqguard.errors.table.history-days", "seqguard.sequence.enforcement");
    }

    private static ConfigProblem single(TestHome home) {
        List<ConfigProblem> problems = home.readAll().problems();
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }
}
