package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

/**
 * A MAC address: 12 hex digits, either bare or in six pairs separated throughout by {@code :}
 * or throughout by {@code -}, any letter case. The canonical form is 12 upper-case hex digits,
 * e.g. {@code 001122AABBCC}.
 *
 * @param value the canonical form, never null
 */
public record MacAddress(String value) {
    /** Default field name used in parse errors. */
    public static final String FIELD = "macAddress";

    private static final String RULE = "must be 12 hex digits, optionally grouped in pairs by ':' or '-'";

    public MacAddress {
        requireNonNull(value, "value");
        if (value.length() != 12 || !value.equals(canonical(FIELD, value))) {
            throw new InvalidValueException(FIELD, "is not canonical; " + RULE);
        }
    }

    /** Parses with the default field name {@value #FIELD}. */
    public static MacAddress parse(String text) {
        return parse(FIELD, text);
    }

    /**
     * Parses {@code text}.
     *
     * @throws InvalidValueException naming {@code field} for any other form
     */
    public static MacAddress parse(String field, String text) {
        return new MacAddress(canonical(field, text));
    }

    private static String canonical(String field, String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidValueException(field, "is empty; " + RULE);
        }
        char separator;
        if (text.length() == 12) {
            separator = 0;
        } else if (text.length() == 17 && (text.charAt(2) == ':' || text.charAt(2) == '-')) {
            separator = text.charAt(2);
        } else {
            throw new InvalidValueException(field, "has the wrong length; " + RULE);
        }
        char[] out = new char[12];
        int p = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (separator != 0 && i % 3 == 2) {
                if (c != separator) {
                    throw new InvalidValueException(field, "mixes or misplaces separators; " + RULE);
                }
                continue;
            }
            if (Character.digit(c, 16) < 0 || c > 'f') {
                throw new InvalidValueException(field, "contains a non-hex character; " + RULE);
            }
            out[p++] = Character.toUpperCase(c);
        }
        return new String(out);
    }

    @Override
    public String toString() {
        return value;
    }
}
