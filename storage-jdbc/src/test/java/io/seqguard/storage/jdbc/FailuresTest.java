package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.StorageException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which failures tell the agent to come back later (503) and which are the server's fault (500). */
class FailuresTest {
    @Test
    void anInterruptedWaitForAPoolConnectionIsTransient() {
        // What HikariPool.getConnection throws when the waiting thread is interrupted (a writer stopped with the store).
        SQLException hikari = new SQLException("seqguard-jdbc - Interrupted during connection acquisition", new InterruptedException());

        StorageException translated = Failures.translate("check-in", new org.jdbi.v3.core.ConnectionException(hikari));

        assertThat(translated.kind()).isEqualTo(StorageException.Kind.TRANSIENT);
        assertThat(translated.getMessage()).startsWith("database unavailable during check-in: ");
    }

    @Test
    void aFailureWithoutStateOrTransientCauseIsInternal() {
        assertThat(Failures.translate("check-in", new SQLException("syntax error at or near \"SELEC\"", "42601")).kind())
                .isEqualTo(StorageException.Kind.INTERNAL);
        assertThat(Failures.translate("check-in", new IllegalStateException("a bug")).kind()).isEqualTo(StorageException.Kind.INTERNAL);
    }
}
