package io.seqguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/** Formatting shared by the admin commands. Stateless. */
final class Output {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Output() {
    }

    /** The JSON indented for people, for {@code --json}. */
    static String pretty(JsonNode node) {
        try {
            return AdminClient.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }

    /** The rows of several pages as one answer of the admin API's shape: {@code {"count":n,"next":null,"errors":[...]}}. */
    static JsonNode errorsDocument(List<JsonNode> rows) {
        ObjectNode document = AdminClient.JSON.createObjectNode();
        document.put("count", rows.size());
        document.putNull("next");
        document.putArray("errors").addAll(rows);
        return document;
    }

    /** A field's text, or null when absent or JSON null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** An ISO-8601 instant field as {@code yyyy-MM-dd HH:mm:ss} (UTC); other text as it came. */
    static String time(JsonNode node, String field) {
        String text = text(node, field);
        if (text == null) {
            return null;
        }
        try {
            return UTC.format(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return text;
        }
    }

    /**
     * A point in time given on the command line: an ISO-8601 instant ({@code 2024-03-10T12:00:00Z})
     * or a span back from now ({@code 30m}, {@code 24h}, {@code 7d}).
     *
     * @throws picocli.CommandLine.TypeConversionException when it is neither, or out of range (a usage error)
     */
    static Instant when(String text, Instant now) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+[smhd]")) {
            try {
                long amount = Long.parseLong(t.substring(0, t.length() - 1));
                Duration span = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
                return now.minus(span);
            } catch (ArithmeticException | java.time.DateTimeException | NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + text + "' reaches back further than a date can");
            }
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new picocli.CommandLine.TypeConversionException(
                    "'" + text + "' is neither an ISO-8601 instant (2024-03-10T12:00:00Z) nor a span back from now (30m, 24h, 7d)");
        }
    }

    /** Converts {@code WHEN} options while the command line is parsed, so that a bad one is a usage error. */
    static final class WhenConverter implements picocli.CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            return when(value, Instant.now());
        }
    }
}
