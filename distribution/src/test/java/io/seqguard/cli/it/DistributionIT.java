package io.seqguard.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unpacked distribution as an operator runs it: bin/seqguard as a child process, the real
 * SQLite file, server.log on disk. Each test works in its own copy of the tree with free ports.
 */
class DistributionIT {
    /** SIGTERM (and SIGINT): an orderly stop, which is a success (SPEC §9), not the JVM's 128 + 15. */
    static final int EXIT_ON_SIGTERM = 0;
    private static final DateTimeFormatter SQLITE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    @TempDir
    Path temp;

    private Installation installation;

    @BeforeEach
    void copyTheDistribution() throws IOException {
        installation = Installation.copy(temp);
    }

    @AfterEach
    void killWhatIsLeft() throws InterruptedException {
        if (installation != null) {
            installation.close();
        }
    }

    @Test
    void checkInReplayServerLogTableErrorsCommandAndSigterm() throws Exception {
        assertThat(installation.home().resolve("data")).doesNotExist();
        installation.start();
        assertThat(installation.home().resolve("data/seqguard.db")).exists();
        assertThat(installation.home().resolve("data/admin.token")).exists();

        String guid = "{" + UUID.randomUUID().toString().toUpperCase() + "}";
        HttpResponse<String> first = installation.checkIn(guid.toLowerCase().replace("{", "").replace("}", ""), 10, "PC-0042",
                "00:11:22:aa:bb:cc");
        assertThat(first.statusCode()).isEqualTo(200);
        HttpResponse<String> replay = installation.checkIn(guid, 10, "PC-0042", "00-11-22-AA-BB-CC");
        assertThat(replay.statusCode()).isEqualTo(409);
        assertThat(replay.body()).contains("\"received\":10", "\"last\":10", guid);

        Pattern seedLine = Pattern.compile("^\\d{14} E #\\d+ EPOServer Agent with GUID " + Pattern.quote(guid)
                + " sequence number invalid, expected 10 > 10$");
        Pattern modLine = Pattern.compile("^\\d{14} E #\\d+ mod_epo Failed to process agent request$");
        List<String> log = installation.serverLogWhen(lines -> lines.stream().anyMatch(modLine.asMatchPredicate()));
        int at = indexOf(log, seedLine);
        assertThat(at).as("the seed line in server.log:\n%s", String.join("\n", log)).isNotNegative();
        assertThat(log.get(at + 1)).matches(modLine);

        try (Connection db = sqlite()) {
            List<String> rows = rows(db, "SELECT AgentGUID || '|' || NodeName || '|' || IPAddress || '|' || MACAddress || '|' || TheTimestamp"
                    + " FROM EPOAgentSequenceErrorLog");
            assertThat(rows).singleElement().asString().startsWith(guid + "|PC-0042|127.0.0.1|001122AABBCC|" + Instant.now().toString()
                    .substring(0, 4));
        }

        Installation.Result errors = installation.cli("errors");
        assertThat(errors.exitCode()).as(errors.err()).isZero();
        assertThat(errors.out()).contains("AutoID", guid, "PC-0042", "001122AABBCC");
        Installation.Result json = installation.cli("errors", "--json", "--guid", guid);
        assertThat(json.out()).contains("\"agentGuid\" : \"" + guid + "\"");

        assertThat(installation.stop()).isEqualTo(EXIT_ON_SIGTERM);
        assertThat(Files.readAllLines(installation.serverLog(), StandardCharsets.UTF_8)).last().asString().endsWith("seqguard stopped");
    }

    @Test
    void adminCommandsAndSimulateAgainstTheRunningServer() throws Exception {
        installation.start();
        String guid = "{" + UUID.randomUUID().toString().toUpperCase() + "}";
        assertThat(installation.checkIn(guid, 7, "restored-pc", "0A0B0C0D0E0F").statusCode()).isEqualTo(200);
        assertThat(installation.checkIn(guid, 3, "restored-pc", "0A0B0C0D0E0F").statusCode()).isEqualTo(409);

        Installation.Result suspects = installation.cli("suspects");
        assertThat(suspects.exitCode()).as(suspects.err()).isZero();
        assertThat(suspects.out()).contains(guid, "rollback", "restored-pc / 0A0B0C0D0E0F", "seqguard agents reset GUID");

        Installation.Result show = installation.cli("agents", "show", guid.toLowerCase());
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).contains("last sequence     7", "restored-pc");

        Installation.Result reset = installation.cli("agents", "reset", guid);
        assertThat(reset.exitCode()).as(reset.err()).isZero();
        assertThat(reset.out()).contains("Reset " + guid);
        Installation.Result gone = installation.cli("agents", "show", guid);
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).contains("not registered");
        assertThat(installation.checkIn(guid, 3, "restored-pc", "0A0B0C0D0E0F").statusCode()).as("accepted after the reset").isEqualTo(200);

        Installation.Result purge = installation.cli("purge");
        assertThat(purge.exitCode()).as(purge.err()).isZero();
        assertThat(purge.out()).contains("Purged 0 sequence error rows.");

        Installation.Result simulate = installation.cli("simulate", "--honest", "4", "--cloned", "2", "--snapshots", "2", "--frozen", "2",
                "--requests", "8", "--seed", "1");
        assertThat(simulate.exitCode()).as(simulate.out() + simulate.err()).isZero();
        assertThat(simulate.out()).contains("80 requests", "6 of 6 match", "no injected replay accepted ....... OK",
                "no honest request rejected ........ OK");

        // Every row, page after page of 3, the same as one page of them all.
        Installation.Result oneExport = installation.cli("errors", "--csv", "--limit", "10000");
        Installation.Result pagedExport = installation.cli("errors", "--csv", "--all", "--limit", "3");
        assertThat(pagedExport.exitCode()).as(pagedExport.err()).isZero();
        assertThat(oneExport.out().lines().count()).as("the header and the rows").isGreaterThan(10);
        assertThat(pagedExport.out()).isEqualTo(oneExport.out());
        Installation.Result pagedJson = installation.cli("errors", "--json", "--all", "--limit", "4");
        assertThat(pagedJson.out()).contains("\"count\" : " + (oneExport.out().lines().count() - 1));
        assertThat(installation.cli("errors", "--csv", "--json").exitCode()).as("two formats").isEqualTo(2);

        Installation.Result usage = installation.cli("agents", "show");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(installation.stop()).isEqualTo(EXIT_ON_SIGTERM);
    }

    @Test
    void serverIniCapKeepsThreeRowsOfFiveWhileServerLogKeepsAll() throws Exception {
        Files.writeString(installation.home().resolve("conf/Server.ini"), "[Server]\r\nSequenceNumberErrorLogMaxErrorsPerHour=3\r\n");
        installation.start();

        // The cap is per clock hour: should the five errors straddle an hour, try once more.
        String guid = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            Instant before = Instant.now();
            guid = "{" + UUID.randomUUID().toString().toUpperCase() + "}";
            assertThat(installation.checkIn(guid, 100, "frozen-pc", "0011223344AA").statusCode()).isEqualTo(200);
            for (int i = 1; i <= 5; i++) {
                assertThat(installation.checkIn(guid, i, "frozen-pc", "0011223344AA").statusCode()).isEqualTo(409);
            }
            if (before.truncatedTo(ChronoUnit.HOURS).equals(Instant.now().truncatedTo(ChronoUnit.HOURS))) {
                break;
            }
        }
        String quoted = Pattern.quote(guid);
        Pattern seedLine = Pattern.compile("^\\d{14} E #\\d+ EPOServer Agent with GUID " + quoted + " sequence number invalid, expected [1-5] > 100$");
        List<String> log = installation.serverLogWhen(lines -> lines.stream().filter(seedLine.asMatchPredicate()).count() >= 5);
        assertThat(log.stream().filter(seedLine.asMatchPredicate())).hasSize(5);

        try (Connection db = sqlite()) {
            assertThat(rows(db, "SELECT AutoID FROM EPOAgentSequenceErrorLog WHERE AgentGUID = '" + guid + "'")).hasSize(3);
        }
        assertThat(installation.stop()).isEqualTo(EXIT_ON_SIGTERM);
    }

    @Test
    void rowsOlderThanHistoryDaysAreGoneAfterARestart() throws Exception {
        installation.start();
        assertThat(installation.stop()).isEqualTo(EXIT_ON_SIGTERM);

        Instant now = Instant.now();
        try (Connection db = sqlite(); PreparedStatement insert = db.prepareStatement(
                "INSERT INTO EPOAgentSequenceErrorLog (AgentGUID, NodeName, IPAddress, MACAddress, TheTimestamp) VALUES (?, 'old-pc', '10.0.0.1', '001122334455', ?)")) {
            insert.setString(1, "{00000000-0000-0000-0000-000000000008}");
            insert.setString(2, SQLITE_TIME.format(now.minus(8, ChronoUnit.DAYS)));
            insert.executeUpdate();
            insert.setString(1, "{00000000-0000-0000-0000-000000000006}");
            insert.setString(2, SQLITE_TIME.format(now.minus(6, ChronoUnit.DAYS)));
            insert.executeUpdate();
        }

        installation.start(); // the purge at start-up has run once the server is ready
        try (Connection db = sqlite()) {
            assertThat(rows(db, "SELECT AgentGUID FROM EPOAgentSequenceErrorLog")).containsExactly("{00000000-0000-0000-0000-000000000006}");
        }
        assertThat(installation.interrupt()).as("Ctrl-C: an orderly stop too").isZero();
        assertThat(Files.readAllLines(installation.serverLog(), StandardCharsets.UTF_8)).last().asString().endsWith("seqguard stopped");
    }

    @Test
    void aBadValueStopsStartUpNamingTheKey() throws Exception {
        Installation.Result badWindow = installation.cliWith(installation.javaOpts("-Dseqguard.sequence.window=lots"), "run");
        assertThat(badWindow.exitCode()).isEqualTo(1);
        assertThat(badWindow.err()).contains("Invalid configuration", "1) seqguard.sequence.window", "lots");

        Files.writeString(installation.home().resolve("conf/Server.ini"), "[Server]\nSequenceNumberErrorLogHistDays=0\n");
        Installation.Result badIni = installation.cli("run");
        assertThat(badIni.exitCode()).isEqualTo(1);
        assertThat(badIni.err()).contains("SequenceNumberErrorLogHistDays").contains("Server.ini");

        Installation.Result config = installation.cli("config");
        assertThat(config.exitCode()).isEqualTo(1);
        assertThat(config.err()).contains("SequenceNumberErrorLogHistDays");
        assertThat(installation.home().resolve("data/seqguard.db")).doesNotExist();
        // The reason reaches the log file too, for an operator who reads only that.
        assertThat(Files.readString(installation.serverLog(), StandardCharsets.UTF_8)).contains("start-up refused, nothing started")
                .contains("SequenceNumberErrorLogHistDays");
    }

    @Test
    void theInstallationsReadmeIsForOperatorsAndNamesOnlyWhatIsThere() throws Exception {
        String readme = Files.readString(installation.home().resolve("README.md"), StandardCharsets.UTF_8);
        assertThat(readme).startsWith("# seqguard — the installation").doesNotContain("mvn ", "SPEC.md", "distribution/target");
        for (String named : List.of("bin/seqguard", "conf/application.conf", "conf/Server.ini.example", "conf/logback.xml", "lib",
                "plugins", "docs/OPERATIONS.md", "docs/CONFIGURATION.md", "docs/HTTP.md", "docs/SQLITE.md", "docs/SCALING.md",
                "docs/PLUGINS.md")) {
            assertThat(readme).contains(named);
            assertThat(installation.home().resolve(named)).as(named).exists();
        }
    }

    @Test
    void runWithAnotherHomeLogsThere() throws Exception {
        Path other = temp.resolve("other-home");
        Files.createDirectories(other.resolve("conf"));
        Files.writeString(other.resolve("conf/application.conf"), "seqguard.sequence.window = lots\n");

        Installation.Result run = installation.cli("run", "--home", other.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(Files.readString(other.resolve("logs/server.log"), StandardCharsets.UTF_8)).contains("seqguard.sequence.window");
        assertThat(installation.serverLog()).as("nothing in the launcher's own installation").doesNotExist();
    }

    @Test
    void theLauncherFixesTheHeapAt256MiBAndJavaOptsWin() throws Exception {
        installation.start();
        List<String> arguments = installation.server().info().arguments().map(List::of).orElseThrow();
        assertThat(arguments).contains("-Xms256m", "-Xmx256m");
        assertThat(maxHeap()).isEqualTo(256L << 20);
        assertThat(installation.stop()).isEqualTo(EXIT_ON_SIGTERM);

        installation.start("-Xmx300m");
        arguments = installation.server().info().arguments().map(List::of).orElseThrow();
        assertThat(arguments.indexOf("-Xmx300m")).as("JAVA_OPTS after the launcher's own: %s", arguments)
                .isGreaterThan(arguments.indexOf("-Xmx256m"));
        assertThat(maxHeap()).isEqualTo(300L << 20);
    }

    /** The JVM's maximum heap as the server's /metrics reports it: G1's old generation may grow to all of it. */
    private long maxHeap() throws Exception {
        String metrics = installation.adminGet("/metrics").body();
        return metrics.lines()
                .filter(line -> line.startsWith("jvm_memory_max_bytes{") && line.contains("area=\"heap\"") && line.contains("Old Gen"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no old generation in /metrics:\n" + metrics));
    }

    @Test
    void theLauncherExplainsAMissingJava() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(installation.home().resolve("bin/seqguard").toString(), "version");
        builder.environment().put("JAVA_HOME", temp.resolve("no-such-jdk").toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isEqualTo(1);
        assertThat(output).contains("JAVA_HOME", "no-such-jdk", "Java 17");

        builder.environment().remove("JAVA_HOME");
        builder.environment().put("PATH", "/nonexistent");
        process = builder.start();
        output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isEqualTo(1);
        assertThat(output).contains("cannot find Java");
    }

    @Test
    void theLauncherFindsItsHomeThroughASymlink() throws Exception {
        Path bin = Files.createDirectories(temp.resolve("usr-local-bin"));
        Path link = Files.createSymbolicLink(bin.resolve("seqguard"), installation.home().resolve("bin/seqguard"));
        ProcessBuilder builder = new ProcessBuilder(link.toString(), "config").directory(temp.toFile());
        builder.environment().put("JAVA_OPTS", "-Dseqguard.storage=memory");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        assertThat(out).contains("home " + installation.home().toRealPath());
    }

    private Connection sqlite() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + installation.database());
    }

    private static List<String> rows(Connection db, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }

    private static int indexOf(List<String> lines, Pattern pattern) {
        for (int i = 0; i < lines.size(); i++) {
            if (pattern.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }
}
