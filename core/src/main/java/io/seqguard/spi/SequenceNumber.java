package io.seqguard.spi;

/**
 * Parsing of agent sequence numbers: a decimal integer from 0 to {@link Long#MAX_VALUE} written
 * with ASCII digits only (no sign, no spaces, no decimal point, at most 19 digits). Sequence
 * numbers are carried as a primitive {@code long} everywhere else, so the hot path allocates
 * nothing for them.
 */
public final class SequenceNumber {
    /** Default field name used in parse errors. */
    public static final String FIELD = "sequence";

    private static final String RULE = "must be a decimal integer from 0 to 9223372036854775807 (digits only, no sign)";

    private SequenceNumber() {
    }

    /** Parses with the default field name {@value #FIELD}. */
    public static long parse(CharSequence text) {
        return parse(FIELD, text);
    }

    /**
     * Parses {@code text} strictly.
     *
     * @throws InvalidValueException naming {@code field} for null, empty, signed, non-digit,
     *     decimal or overflowing input
     */
    public static long parse(String field, CharSequence text) {
        if (text == null || text.length() == 0) {
            // Absent, or present but empty (a header "Agent-Guid:" with nothing after it, a script's empty variable).
            throw new InvalidValueException(field, (text == null ? "is required; " : "is empty; ") + RULE);
        }
        int n = text.length();
        long value = 0;
        // Leading zeros are allowed, however many (SPEC §2: a decimal integer in range); the overflow check bounds the rest.
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new InvalidValueException(field, (c == '-' ? "is negative or signed; "
                        : c == '+' ? "is signed; " : "contains a non-digit; ") + RULE);
            }
            int d = c - '0';
            if (value > (Long.MAX_VALUE - d) / 10) {
                throw new InvalidValueException(field, "overflows; " + RULE);
            }
            value = value * 10 + d;
        }
        return value;
    }
}
