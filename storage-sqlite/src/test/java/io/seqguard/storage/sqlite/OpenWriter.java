package io.seqguard.storage.sqlite;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;

/** A writer on its own database, without a store around it: tests that stage groups or the cache fill by hand. */
record OpenWriter(SqliteDatabase database, GroupCommitWriter writer) implements AutoCloseable {
    static OpenWriter open(SqliteConfig config) throws SQLException {
        SqliteDatabase database = new SqliteDatabase(config);
        database.open();
        return new OpenWriter(database, new GroupCommitWriter(config, database.connect(false),
                new WriterMetrics(new SimpleMeterRegistry()), new AgentJournal(config.journalSize())));
    }

    @Override
    public void close() {
        writer.close();
        database.close();
    }
}
