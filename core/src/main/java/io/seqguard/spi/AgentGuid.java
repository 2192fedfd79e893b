package io.seqguard.spi;

/**
 * An agent's GUID. Accepted input is a UUID in its hyphenated 8-4-4-4-12 form, with or without
 * surrounding braces, in any letter case. The canonical form is upper case in braces, e.g.
 * {@code {91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A}}.
 *
 * <p>Immutable and thread safe. Equality is by value.
 */
public final class AgentGuid implements Comparable<AgentGuid> {
    /** Default field name used in parse errors. */
    public static final String FIELD = "agentGuid";

    private static final String RULE = "must be a UUID (8-4-4-4-12 hex digits, optionally in braces)";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final long msb;
    private final long lsb;
    private final String canonical;

    private AgentGuid(long msb, long lsb, String canonical) {
        this.msb = msb;
        this.lsb = lsb;
        this.canonical = canonical;
    }

    /** Parses with the default field name {@value #FIELD}. */
    public static AgentGuid parse(CharSequence text) {
        return parse(FIELD, text);
    }

    /**
     * Parses {@code text} strictly.
     *
     * @throws InvalidValueException naming {@code field} when the text is null, empty, has
     *     unbalanced braces, a wrong length, misplaced hyphens or a non-hex digit
     */
    public static AgentGuid parse(String field, CharSequence text) {
        if (text == null || text.length() == 0) {
            // Absent, or present but empty (a header "Agent-Guid:" with nothing after it, a script's empty variable).
            throw new InvalidValueException(field, (text == null ? "is required; " : "is empty; ") + RULE);
        }
        int start = 0;
        int end = text.length();
        boolean open = text.charAt(0) == '{';
        boolean close = text.charAt(end - 1) == '}';
        if (open != close) {
            throw new InvalidValueException(field, "has unbalanced braces; " + RULE);
        }
        if (open) {
            start++;
            end--;
        }
        if (end - start != 36) {
            throw new InvalidValueException(field, "has the wrong length; " + RULE);
        }
        long msb = 0;
        long lsb = 0;
        int digits = 0;
        for (int i = start; i < end; i++) {
            int pos = i - start;
            char c = text.charAt(i);
            if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
                if (c != '-') {
                    throw new InvalidValueException(field, "has a misplaced hyphen; " + RULE);
                }
                continue;
            }
            int v = Character.digit(c, 16);
            if (v < 0 || c > 'f') {
                throw new InvalidValueException(field, "contains a non-hex character; " + RULE);
            }
            if (digits < 16) {
                msb = (msb << 4) | v;
            } else {
                lsb = (lsb << 4) | v;
            }
            digits++;
        }
        return new AgentGuid(msb, lsb, format(msb, lsb));
    }

    /** Creates a GUID from a {@link java.util.UUID}. */
    public static AgentGuid of(java.util.UUID uuid) {
        return new AgentGuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits(),
                format(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()));
    }

    private static String format(long msb, long lsb) {
        char[] out = new char[38];
        out[0] = '{';
        int p = 1;
        for (int i = 0; i < 32; i++) {
            if (i == 8 || i == 12 || i == 16 || i == 20) {
                out[p++] = '-';
            }
            long word = i < 16 ? msb : lsb;
            int shift = (15 - (i & 15)) * 4;
            out[p++] = HEX[(int) ((word >>> shift) & 0xF)];
        }
        out[37] = '}';
        return new String(out);
    }

    /** The first 64 of the 128 bits, as {@link java.util.UUID#getMostSignificantBits()}. */
    public long mostSignificantBits() {
        return msb;
    }

    /** The last 64 of the 128 bits, as {@link java.util.UUID#getLeastSignificantBits()}. */
    public long leastSignificantBits() {
        return lsb;
    }

    /** The UUID value. */
    public java.util.UUID toUuid() {
        return new java.util.UUID(msb, lsb);
    }

    /** The canonical form, upper case in braces. */
    @Override
    public String toString() {
        return canonical;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AgentGuid other && other.msb == msb && other.lsb == lsb;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(msb * 31 + lsb);
    }

    @Override
    public int compareTo(AgentGuid o) {
        return canonical.compareTo(o.canonical);
    }
}
