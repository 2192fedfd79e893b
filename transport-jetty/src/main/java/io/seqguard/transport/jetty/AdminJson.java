package io.seqguard.transport.jetty;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.ErrorCursor;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.Machine;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.Suspect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The admin API's JSON documents, streamed with Jackson's generator (no trees, no reflection).
 * Times are ISO-8601 instants in UTC; absent values are JSON null; GUIDs are canonical. The
 * field names are part of the admin API's contract (see docs/HTTP.md).
 *
 * <p>Thread safe: the factory is shared, each document gets its own generator.
 */
final class AdminJson {
    /** Every instant the admin API shows: UTC, always with its milliseconds (SPEC §4), never finer. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final JsonFactory factory = new JsonFactory();

    /** {@code 2024-03-01T10:00:00.000Z}: the milliseconds even when 0, anything finer cut off. */
    static String time(Instant instant) {
        return TIME.format(instant);
    }

    /**
     * {@code {"count":n,"limit":n,"next":"cursor"|null,"errors":[{...}]}}, rows in the order given
     * (newest first); {@code next} is the {@code before} of the following page, null after the last.
     */
    byte[] errors(List<ErrorRow> rows, int limit, ErrorCursor next) {
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("count", rows.size());
            g.writeNumberField("limit", limit);
            nullable(g, "next", next);
            g.writeArrayFieldStart("errors");
            for (ErrorRow row : rows) {
                SequenceError e = row.error();
                g.writeStartObject();
                g.writeNumberField("autoId", row.autoId());
                g.writeStringField("agentGuid", e.guid().toString());
                nullable(g, "nodeName", e.agent().nodeName());
                nullable(g, "ipAddress", e.agent().ipAddress());
                nullable(g, "macAddress", e.agent().macAddress());
                g.writeStringField("time", time(e.time()));
                g.writeNumberField("received", e.received());
                g.writeNumberField("last", e.last());
                g.writeBooleanField("enforced", e.enforced());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** What the store knows of one agent; {@code recentErrors} counts rows since {@code errorsSince}. */
    byte[] agent(AgentInfo info, Instant errorsSince) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("agentGuid", info.guid().toString());
            g.writeNumberField("last", info.last());
            g.writeStringField("firstSeen", time(info.firstSeen()));
            g.writeStringField("lastSeen", time(info.lastSeen()));
            nullable(g, "lastNodeName", info.lastNodeName());
            nullable(g, "lastMacAddress", info.lastMacAddress());
            nullable(g, "lastIpAddress", info.lastIpAddress());
            g.writeNumberField("recentErrors", info.recentErrors());
            g.writeStringField("recentErrorsSince", time(errorsSince));
            g.writeEndObject();
        });
    }

    /** The answer to a reset: whether the GUID had stored state. */
    byte[] reset(AgentGuid guid, boolean known) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("agentGuid", guid.toString());
            g.writeBooleanField("reset", known);
            g.writeEndObject();
        });
    }

    /** The suspects report of SPEC §5. */
    byte[] suspects(List<Suspect> suspects, Instant since, int hours) {
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("hours", hours);
            g.writeStringField("since", time(since));
            g.writeNumberField("count", suspects.size());
            g.writeArrayFieldStart("suspects");
            for (Suspect s : suspects) {
                g.writeStartObject();
                g.writeStringField("agentGuid", s.guid().toString());
                g.writeStringField("kind", s.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
                g.writeArrayFieldStart("machines");
                for (Machine m : s.machines()) {
                    g.writeStartObject();
                    nullable(g, "nodeName", m.nodeName());
                    nullable(g, "macAddress", m.macAddress());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeNumberField("errorCount", s.errorCount());
                g.writeStringField("firstError", time(s.firstError()));
                g.writeStringField("lastError", time(s.lastError()));
                g.writeStringField("remedy", s.remedy());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code {"deleted":n}}. */
    byte[] purged(long deleted) {
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("deleted", deleted);
            g.writeEndObject();
        });
    }

    private static void nullable(JsonGenerator g, String name, Object value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value.toString());
        }
    }

    private byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen with an in-memory stream", e);
        }
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }
}
