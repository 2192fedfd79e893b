package io.seqguard.storage.jdbc;

import java.time.LocalDateTime;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The values one accepted check-in writes into {@code seqguard_agents}. Package-private plumbing
 * between {@link JdbcSequenceStore} and its {@link Dialect}; {@code ring} is not copied, callers
 * hand over a fresh array.
 *
 * @param guid canonical GUID, never null
 * @param last the new highest accepted number
 * @param ring the window ring as {@code SequenceState.ringBytes()}, null in strict mode
 * @param ver the version a newly inserted row starts with
 * @param now the request time, UTC, millisecond precision
 * @param nodeName last node name, or null
 * @param mac last MAC address, or null
 * @param ip last IP address, or null
 */
record AgentRow(String guid, long last, byte[] ring, long ver, LocalDateTime now, String nodeName, String mac, String ip) {
    /** Binds {@code :guid :last :ver :now :node :mac :ip} (not {@code :ring}, which not every statement has). */
    <T extends SqlStatement<T>> T bindTo(T statement) {
        return statement
                .bind("guid", guid)
                .bind("last", last)
                .bind("ver", ver)
                .bind("now", UtcTime.argument(now))
                .bind("node", nodeName)
                .bind("mac", mac)
                .bind("ip", ip);
    }
}
