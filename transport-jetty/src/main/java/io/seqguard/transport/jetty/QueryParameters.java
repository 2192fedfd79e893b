package io.seqguard.transport.jetty;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.InvalidValueException;
import io.seqguard.spi.SequenceNumber;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.StringJoiner;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * The query parameters of one admin call, checked strictly: an unknown or repeated parameter,
 * or a value that breaks its rule, is an {@link InvalidValueException} naming the parameter (the
 * caller answers 400), so a typo never silently widens a query. Not thread safe; one per request.
 */
final class QueryParameters {
    private final Fields fields;

    private QueryParameters(Fields fields) {
        this.fields = fields;
    }

    /**
     * The parameters of {@code request}.
     *
     * @param known the only names allowed
     * @throws InvalidValueException for an unknown or repeated parameter, or an undecodable query
     */
    static QueryParameters of(Request request, Set<String> known) {
        Fields fields;
        try {
            fields = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            throw new InvalidValueException("query", "is not a valid URL query string");
        }
        for (Fields.Field field : fields) {
            if (!known.contains(field.getName())) {
                throw new InvalidValueException(field.getName(), known.isEmpty() ? "is not a parameter of this call, which takes none"
                        : "is not a parameter of this call; known: " + String.join(", ", known.stream().sorted().toList()));
            }
            if (field.getValues().size() > 1) {
                throw new InvalidValueException(field.getName(), "must be given once");
            }
        }
        return new QueryParameters(fields);
    }

    /** The parameters but {@code name}, as a query string, each name and value URL-encoded; empty when none is left. */
    String queryWithout(String name) {
        StringJoiner out = new StringJoiner("&");
        for (Fields.Field field : fields) {
            if (!field.getName().equals(name)) {
                out.add(URLEncoder.encode(field.getName(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8));
            }
        }
        return out.toString();
    }

    /**
     * The raw value, or null when absent. An empty value ({@code agentGuid=}) is refused rather than
     * read as absent: a script whose variable came out empty must not get every agent's rows.
     */
    String value(String name) {
        Fields.Field field = fields.get(name);
        if (field == null) {
            return null;
        }
        if (field.getValue().isEmpty()) {
            throw new InvalidValueException(name, "is empty; leave the parameter out to mean no filter (or the default)");
        }
        return field.getValue();
    }

    /** An agent GUID, or null when absent. */
    AgentGuid guid(String name) {
        String value = value(name);
        return value == null ? null : AgentGuid.parse(name, value);
    }

    /** An ISO-8601 instant ({@code 2024-03-01T10:00:00Z}, or with an offset), or null when absent. */
    Instant instant(String name) {
        String value = value(name);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException again) {
                throw new InvalidValueException(name, "must be an ISO-8601 instant such as 2024-03-01T10:00:00Z");
            }
        }
    }

    /** A whole number in {@code [min, max]}, or {@code fallback} when absent. */
    int integer(String name, int min, int max, int fallback) {
        String value = value(name);
        if (value == null) {
            return fallback;
        }
        String rule = "must be a whole number from " + min + " to " + max;
        // Digits only, by the Agent-Sequence rule: Long.parseLong would also take "+5".
        long parsed;
        try {
            parsed = SequenceNumber.parse(name, value);
        } catch (InvalidValueException e) {
            throw new InvalidValueException(name, rule);
        }
        if (parsed < min || parsed > max) {
            throw new InvalidValueException(name, rule);
        }
        return (int) parsed;
    }
}
