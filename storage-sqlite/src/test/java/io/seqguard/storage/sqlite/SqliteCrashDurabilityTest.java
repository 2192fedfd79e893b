package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.Verdict;
import io.seqguard.storage.tck.TestAgents;
import io.seqguard.storage.tck.TestTimes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that acknowledged check-ins is killed with SIGKILL mid-stream; whatever it
 * acknowledged must be in the file afterwards, and the file must be intact. With the check-in
 * journal off, with a journal so short that the kill lands in a fold, and with the default one
 * (nothing folded: the journal is the only record); each file is then read back with the journal on
 * and again after a restart with it off, which folds it all at start-up.
 */
class SqliteCrashDurabilityTest {
    private static final int AGENTS = 500;
    private static final int ACKS_BEFORE_KILL = 3_000;

    @TempDir
    Path folder;

    @ParameterizedTest(name = "journal-size {0}")
    @ValueSource(ints = {0, 64, 100_000})
    void everyAcknowledgedCheckInSurvivesSigkill(int journalSize) throws Exception {
        Path file = folder.resolve("crash.db");
        List<long[]> acknowledged = new ArrayList<>();
        try (ChildJvm child = ChildJvm.start(folder, "checkins", file.toString(), String.valueOf(AGENTS), "4", String.valueOf(journalSize))) {
            child.awaitReady();
            child.awaitLines(line -> line.startsWith("ACK "), ACKS_BEFORE_KILL);
            child.kill();
            // Every line in the file was printed after its acknowledgement, also those after the count.
            for (String line : child.lines()) {
                if (line.startsWith("ACK ")) {
                    acknowledged.add(parse(line));
                }
            }
        }
        assertThat(acknowledged).as("acknowledged before the kill").hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("ok");
        }

        Map<Long, Long> highest = new HashMap<>();
        for (long[] ack : acknowledged) {
            highest.merge(ack[0], ack[1], Math::max);
        }
        assertSurvived(SqliteConfig.defaults(file), acknowledged, highest);
        assertSurvived(SqliteConfig.defaults(file).withJournalSize(0), acknowledged, highest);
    }

    private static void assertSurvived(SqliteConfig config, List<long[]> acknowledged, Map<Long, Long> highest) {
        SqliteSequenceStore store = new SqliteSequenceStore(config);
        store.start();
        try {
            for (long[] ack : acknowledged) {
                assertThat(store.checkAndAdvance(TestAgents.agent(TestAgents.guid(ack[0])), ack[1], SequencePolicy.STRICT, TestTimes.T0).verdict())
                        .as("replay of acknowledged GUID %d seq %d", ack[0], ack[1])
                        .isEqualTo(Verdict.STALE);
            }
            for (Map.Entry<Long, Long> e : highest.entrySet()) {
                assertThat(store.agentInfo(TestAgents.guid(e.getKey()), TestTimes.T0)).get()
                        .satisfies(info -> assertThat(info.last()).isGreaterThanOrEqualTo(e.getValue()));
            }
        } finally {
            store.stop();
        }
    }

    private static long[] parse(String line) {
        assertThat(line).startsWith("ACK ");
        String[] parts = line.split(" ");
        return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
    }
}
