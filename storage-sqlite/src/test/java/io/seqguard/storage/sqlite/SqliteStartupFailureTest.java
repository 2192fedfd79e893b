package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.StorageException;
import io.seqguard.spi.Verdict;
import io.seqguard.storage.tck.TestAgents;
import io.seqguard.storage.tck.TestTimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up refuses a file it cannot own, with a message that names it. */
class SqliteStartupFailureTest {
    @TempDir
    Path folder;

    @Test
    void folderThatCannotBeCreated() throws Exception {
        Path notAFolder = Files.writeString(folder.resolve("plain-file"), "x");
        Path file = notAFolder.resolve("seqguard.db");
        SqliteSequenceStore store = new SqliteSequenceStore(SqliteConfig.defaults(file));
        assertThatThrownBy(store::start)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("cannot create the folder");
        store.stop();
    }

    @Test
    void folderWithoutWritePermission() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root may write anywhere; covered by folderThatCannotBeCreated");
        Path readOnly = Files.createDirectory(folder.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path file = readOnly.resolve("seqguard.db");
        SqliteSequenceStore store = new SqliteSequenceStore(SqliteConfig.defaults(file));
        try {
            assertThatThrownBy(store::start)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("not writable");
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void fileInUseByAnotherSeqguard() throws Exception {
        Path file = folder.resolve("shared.db");
        try (ChildJvm other = ChildJvm.start(folder, "hold", file.toString())) {
            other.awaitReady();
            SqliteSequenceStore store = new SqliteSequenceStore(SqliteConfig.defaults(file));
            assertThatThrownBy(store::start)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("in use by another process");
            store.stop();
            other.kill();
        }
        // The claim dies with the process, even after SIGKILL.
        SqliteSequenceStore store = new SqliteSequenceStore(SqliteConfig.defaults(file));
        store.start();
        try {
            assertThat(store.checkAndAdvance(TestAgents.agent(TestAgents.guid(1)), 1, SequencePolicy.STRICT, TestTimes.T0).verdict())
                    .isEqualTo(Verdict.REGISTERED);
        } finally {
            store.stop();
        }
    }

    @Test
    void fileLockedByAnotherProgram() throws Exception {
        Path file = folder.resolve("locked.db");
        SqliteConfig config = SqliteConfig.defaults(file);
        config = new SqliteConfig(config.path(), config.synchronous(), Duration.ofMillis(300), config.maxGroupSize(), config.commitTimeout(),
                config.agentCacheSize(), config.pageCacheBytes(), config.readConnections(), config.checkpointPages(),
                config.journalSize());
        try (ChildJvm other = ChildJvm.start(folder, "exclusive", file.toString())) {
            other.awaitReady();
            SqliteSequenceStore store = new SqliteSequenceStore(config);
            assertThatThrownBy(store::start)
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("locked");
            store.stop();
        }
    }

    @Test
    void secondStartOfOneInstanceIsRefused() throws Exception {
        SqliteSequenceStore store = new SqliteSequenceStore(SqliteConfig.defaults(folder.resolve("twice.db")));
        store.start();
        try {
            assertThatThrownBy(store::start).isInstanceOf(IllegalStateException.class);
        } finally {
            store.stop();
            store.stop();
        }
    }
}
