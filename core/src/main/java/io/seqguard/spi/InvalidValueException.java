package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

/**
 * A value supplied from outside (an agent header, an admin parameter, a CLI argument) broke its
 * rule. The message names the field and states the rule; it never echoes more than a short,
 * escaped prefix of the offending input, so it is safe to return to a client or to log.
 */
public final class InvalidValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_ECHO = 40;

    private final String field;
    private final String rule;

    /**
     * @param field the name of the field as the caller knows it (a header, parameter or key); not null
     * @param rule what is allowed, as a sentence fragment; not null
     */
    public InvalidValueException(String field, String rule) {
        super(requireNonNull(field, "field") + ": " + requireNonNull(rule, "rule"));
        this.field = field;
        this.rule = rule;
    }

    /** The field that was wrong, never null. */
    public String field() {
        return field;
    }

    /** The rule the value broke, never null. */
    public String rule() {
        return rule;
    }

    /** The same problem reported under another field name, e.g. the HTTP header it came from. */
    public InvalidValueException forField(String otherField) {
        return new InvalidValueException(otherField, rule);
    }

    /**
     * A short, printable rendition of untrusted input for inclusion in a rule text: control
     * characters become {@code \\uXXXX} and long input is cut.
     */
    public static String quote(CharSequence input) {
        if (input == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(input.length(), MAX_ECHO) + 8).append('"');
        for (int i = 0; i < input.length() && i < MAX_ECHO; i++) {
            char c = input.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (input.length() > MAX_ECHO) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
