package io.seqguard.storage.sqlite;

import io.seqguard.spi.AgentGuid;
import java.sql.SQLException;

/**
 * The stored form of a GUID (schema version 4): a 16-byte {@code BLOB}, the most significant byte
 * first. SQLite compares BLOBs byte by byte, so the {@code agents} table is in the same order as
 * the GUIDs' canonical text and as {@link Long#compareUnsigned} of their halves; reading one back
 * needs neither a {@code String} nor an {@link AgentGuid} (docs/SQLITE.md, "Schema").
 *
 * <p>Stateless and thread safe.
 */
final class GuidBytes {
    static final int LENGTH = 16;

    private GuidBytes() {
    }

    static byte[] of(AgentGuid guid) {
        return of(guid.mostSignificantBits(), guid.leastSignificantBits());
    }

    static byte[] of(long msb, long lsb) {
        byte[] out = new byte[LENGTH];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (msb >>> (56 - 8 * i));
            out[8 + i] = (byte) (lsb >>> (56 - 8 * i));
        }
        return out;
    }

    /**
     * The GUID's two halves into {@code bits[0]} and {@code bits[1]}.
     *
     * @throws SQLException naming {@code field} when {@code bytes} is not 16 bytes long (a value
     *     written by hand, say), so that the caller stops rather than read some other agent's state
     */
    static void read(byte[] bytes, String field, long[] bits) throws SQLException {
        if (bytes == null || bytes.length != LENGTH) {
            throw new SQLException(field + ": not a GUID of " + LENGTH + " bytes ("
                    + (bytes == null ? "NULL" : bytes.length + " bytes") + ")");
        }
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = msb << 8 | (bytes[i] & 0xFF);
            lsb = lsb << 8 | (bytes[8 + i] & 0xFF);
        }
        bits[0] = msb;
        bits[1] = lsb;
    }
}
