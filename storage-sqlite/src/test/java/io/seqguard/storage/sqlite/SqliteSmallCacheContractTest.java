package io.seqguard.storage.sqlite;

import io.seqguard.spi.SequenceStore;
import io.seqguard.storage.tck.SequenceStoreContract;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole storage kit again with an agent cache of two entries, so that nearly every check-in
 * reads its agent from the file inside the writer's transaction and evictions happen all the time,
 * as with a fleet far larger than {@code agent-cache-size}; and with a journal of three rows, so
 * that nearly every group also folds agents into the agents table, and a state is read from the
 * journal, from the table or from the cache depending on how far the fold got.
 */
class SqliteSmallCacheContractTest extends SequenceStoreContract {
    @TempDir
    Path folder;

    private int files;

    @Override
    protected SequenceStore createStore() {
        return new SqliteSequenceStore(new SqliteConfig(folder.resolve("kit-" + (files++) + ".db").toAbsolutePath(), SynchronousMode.NORMAL,
                Duration.ofSeconds(5), 1024, Duration.ofSeconds(30), 2, 1L << 20, 2, 1000, 3));
    }
}
