package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

/**
 * A machine's node name as the agent reports it: 1 to 255 characters (Unicode code points), none
 * of them a control character or a line or paragraph separator. Kept exactly as sent.
 *
 * @param value the validated name, never null
 */
public record NodeName(String value) {
    /** Default field name used in parse errors. */
    public static final String FIELD = "nodeName";
    /** The longest accepted name, in code points. */
    public static final int MAX_LENGTH = 255;

    private static final String RULE = "must be 1 to 255 characters without control characters";

    public NodeName {
        requireNonNull(value, "value");
        validate(FIELD, value);
    }

    /** Parses with the default field name {@value #FIELD}. */
    public static NodeName parse(String text) {
        return parse(FIELD, text);
    }

    /**
     * Validates {@code text}.
     *
     * @throws InvalidValueException naming {@code field} when empty, too long or containing a control character
     */
    public static NodeName parse(String field, String text) {
        validate(field, text);
        return new NodeName(text);
    }

    private static void validate(String field, String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidValueException(field, "is empty; " + RULE);
        }
        if (text.length() > MAX_LENGTH * 2 || text.codePointCount(0, text.length()) > MAX_LENGTH) {
            throw new InvalidValueException(field, "is too long; " + RULE);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                throw new InvalidValueException(field, "contains a control character; " + RULE);
            }
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
