package io.seqguard.storage.sqlite;

import io.seqguard.spi.SequenceStore;
import io.seqguard.storage.tck.SequenceStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The whole storage kit with the check-in journal off ({@code journal-size = 0}): every group updates the agents table in place. */
class SqliteWithoutJournalContractTest extends SequenceStoreContract {
    @TempDir
    Path folder;

    private int files;

    @Override
    protected SequenceStore createStore() {
        return new SqliteSequenceStore(SqliteConfig.defaults(folder.resolve("kit-" + (files++) + ".db")).withSynchronous(SynchronousMode.NORMAL)
                .withJournalSize(0));
    }
}
