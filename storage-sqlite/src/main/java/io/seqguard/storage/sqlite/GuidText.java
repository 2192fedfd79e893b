package io.seqguard.storage.sqlite;

import io.seqguard.spi.AgentGuid;

/**
 * A GUID column read as its bytes ({@code ResultSet.getBytes} on a {@code TEXT} value gives its
 * UTF-8): the store writes every GUID in {@link AgentGuid}'s canonical form, 38 ASCII characters,
 * and reading those back needs neither a {@code String} nor an {@code AgentGuid} per row. Start-up
 * reads the whole journal this way (docs/PERFORMANCE.md, item 31). The bytes are UTF-8 only in a
 * file of that encoding (the store's); in another, nothing parses here and the caller's fallback
 * reads the text.
 */
final class GuidText {
    private GuidText() {
    }

    /**
     * The GUID's two halves into {@code bits[0]} and {@code bits[1]} when {@code text} is in the
     * canonical form (braces and hyphens in place, hex digits in either case); false, with
     * {@code bits} unchanged, for anything else, which the caller hands to {@link AgentGuid#parse}
     * to accept its other forms or refuse a bad one naming the field.
     */
    static boolean parseCanonical(byte[] text, long[] bits) {
        if (text == null || text.length != 38 || text[0] != '{' || text[37] != '}') {
            return false;
        }
        long msb = 0;
        long lsb = 0;
        int digits = 0;
        for (int i = 1; i < 37; i++) {
            int c = text[i];
            if (i == 9 || i == 14 || i == 19 || i == 24) {
                if (c != '-') {
                    return false;
                }
                continue;
            }
            int v;
            if (c >= '0' && c <= '9') {
                v = c - '0';
            } else if (c >= 'A' && c <= 'F') {
                v = c - 'A' + 10;
            } else if (c >= 'a' && c <= 'f') {
                v = c - 'a' + 10;
            } else {
                return false;
            }
            if (digits < 16) {
                msb = msb << 4 | v;
            } else {
                lsb = lsb << 4 | v;
            }
            digits++;
        }
        bits[0] = msb;
        bits[1] = lsb;
        return true;
    }
}
