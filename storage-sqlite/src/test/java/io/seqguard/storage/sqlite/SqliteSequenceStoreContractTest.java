package io.seqguard.storage.sqlite;

import io.seqguard.spi.SequenceStore;
import io.seqguard.storage.tck.SequenceStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store against the whole storage kit, each test on a fresh file. */
class SqliteSequenceStoreContractTest extends SequenceStoreContract {
    @TempDir
    Path folder;

    private int files;

    @Override
    protected SequenceStore createStore() {
        return new SqliteSequenceStore(SqliteConfig.defaults(folder.resolve("kit-" + (files++) + ".db")));
    }
}
