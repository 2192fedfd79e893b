package io.seqguard.transport.jetty;

import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.SequenceError;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The error list as CSV (RFC 4180) for {@code Accept: text/csv}, with the error table's own
 * column names, so an export reads like a query on {@code EPOAgentSequenceErrorLog}:
 * {@value #HEADER}.
 *
 * <p>Fields that contain a comma, quote or line break are quoted, quotes doubled. Text that came
 * from an agent and starts like a spreadsheet formula ({@code = + - @}, tab or carriage return)
 * gets a leading apostrophe, so opening the file in a spreadsheet cannot run it (CSV injection).
 * Stateless and thread safe.
 */
final class ErrorCsv {
    static final String HEADER = "AutoID,AgentGUID,NodeName,IPAddress,MACAddress,TheTimestamp,Received,Last,Enforced";

    private ErrorCsv() {
    }

    /** The rows, header first, lines ended by CRLF as RFC 4180 asks. */
    static byte[] render(List<ErrorRow> rows) {
        StringBuilder out = new StringBuilder(HEADER.length() + 2 + rows.size() * 128).append(HEADER).append("\r\n");
        for (ErrorRow row : rows) {
            SequenceError e = row.error();
            out.append(row.autoId()).append(',');
            text(out, e.guid().toString()).append(',');
            text(out, e.agent().nodeName() == null ? "" : e.agent().nodeName().value()).append(',');
            text(out, e.agent().ipAddress() == null ? "" : e.agent().ipAddress().value()).append(',');
            text(out, e.agent().macAddress() == null ? "" : e.agent().macAddress().value()).append(',');
            out.append(AdminJson.time(e.time())).append(',');
            out.append(e.received()).append(',');
            out.append(e.last()).append(',');
            out.append(e.enforced()).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends one text field, neutralised and quoted as needed. */
    static StringBuilder text(StringBuilder out, String value) {
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        boolean quote = false;
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!quote) {
            return out.append(v);
        }
        out.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        return out.append('"');
    }
}
