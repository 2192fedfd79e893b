package io.seqguard.core.config;

import static java.nio.charset.StandardCharsets.UTF_16BE;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.seqguard.spi.Enforcement;
import io.seqguard.spi.config.ConfigProblem;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Server.ini import (SPEC §6): three keys of the {@code [Server]} section of a McAfee ePO
 * style Server.ini override application.conf. Everything else in the file is ignored, with one
 * warning that lists it.
 *
 * <p>The file is read the way Windows INI files are written in the wild: a UTF-8 or UTF-16 byte
 * order mark, CRLF or LF line ends, {@code ;} and {@code #} comments, blanks around names and
 * values, and section and key names in any letter case. When a key appears twice, the first one
 * counts, as with Windows' own {@code GetPrivateProfileString}.
 *
 * <p>Each imported value carries an origin naming the file, the line and the Server.ini key, so
 * that a record's complaint about it points at the Server.ini line, not at application.conf.
 *
 * <p>Immutable and thread safe.
 */
final class ServerIni {
    static final String SECTION = "Server";
    static final String MAX_ERRORS_PER_HOUR = "SequenceNumberErrorLogMaxErrorsPerHour";
    static final String HISTORY_DAYS = "SequenceNumberErrorLogHistDays";
    static final String REQUIRE_VALID_SEQUENCE = "ConnectionsRequireValidSequenceNumber";

    private static final String MAX_PER_HOUR_KEY = "seqguard.errors.table.max-per-hour";

    /** Server.ini key (lower case) to the seqguard key it sets. */
    private static final Map<String, String> MAPPED = Map.of(
            MAX_ERRORS_PER_HOUR.toLowerCase(Locale.ROOT), MAX_PER_HOUR_KEY,
            HISTORY_DAYS.toLowerCase(Locale.ROOT), "seqguard.errors.table.history-days",
            REQUIRE_VALID_SEQUENCE.toLowerCase(Locale.ROOT), "seqguard.sequence.enforcement");

    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");
    private static final Pattern INLINE_COMMENT = Pattern.compile("\\s+[;#].*$");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    private final Config overrides;
    private final List<ConfigProblem> problems;
    private final Optional<String> warning;

    private ServerIni(Config overrides, List<ConfigProblem> problems, Optional<String> warning) {
        this.overrides = overrides;
        this.problems = List.copyOf(problems);
        this.warning = warning;
    }

    /** Reads {@code file}, which exists; a read failure becomes a problem, never an exception. */
    static ServerIni read(Path file, String pathKey) {
        requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return new ServerIni(ConfigFactory.empty(),
                    List.of(new ConfigProblem(pathKey, file.toString(), null, "the Server.ini cannot be read: " + e)), Optional.empty());
        }
        return parse(file, decode(bytes));
    }

    static ServerIni parse(Path file, String text) {
        Config overrides = ConfigFactory.empty();
        List<ConfigProblem> problems = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String section = null;
        String[] lines = LINE_BREAK.split(text, -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                int close = line.indexOf(']');
                if (close > 0) {
                    section = line.substring(1, close).strip();
                    continue;
                }
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                ignored.add("line " + lineNumber + " \"" + shorten(line) + "\" (not key=value)");
                continue;
            }
            String key = line.substring(0, equals).strip();
            String value = unquote(INLINE_COMMENT.matcher(line.substring(equals + 1).strip()).replaceFirst(""));
            String where = (section == null ? "" : "[" + section + "] ") + key + " (line " + lineNumber + ")";
            String target = SECTION.equalsIgnoreCase(section) ? MAPPED.get(key.toLowerCase(Locale.ROOT)) : null;
            if (target == null) {
                ignored.add(where);
                continue;
            }
            Integer first = seen.putIfAbsent(target, lineNumber);
            if (first != null) {
                ignored.add(where + ", a repeat of line " + first);
                continue;
            }
            String origin = file + " line " + lineNumber + ", [" + SECTION + "] " + key;
            if (target.equals("seqguard.sequence.enforcement")) {
                Optional<Enforcement> enforcement = enforcement(value);
                if (enforcement.isEmpty()) {
                    problems.add(new ConfigProblem(target, origin, "\"" + value + "\"",
                            "must be 1 (enforce: reject stale sequence numbers) or 0 (audit: accept them, but record the error)"));
                    continue;
                }
                overrides = overrides.withValue(target, ConfigValueFactory.fromAnyRef(enforcement.get().configValue(), origin));
            } else {
                // Checked here rather than left to the record, so that a bad line is reported even
                // when a system property overrides the key, as a bad ConnectionsRequireValidSequenceNumber is.
                long[] range = target.equals(MAX_PER_HOUR_KEY) ? new long[] {0, ErrorTableConfig.MAX_PER_HOUR} : new long[] {1, ErrorTableConfig.MAX_HISTORY_DAYS};
                Object number = number(value);
                if (!(number instanceof Long n) || n < range[0] || n > range[1]) {
                    problems.add(new ConfigProblem(target, origin, number instanceof Long ? value : "\"" + value + "\"",
                            "must be a whole number from " + range[0] + " to " + range[1]));
                    continue;
                }
                overrides = overrides.withValue(target, ConfigValueFactory.fromAnyRef(number, origin));
            }
        }
        Optional<String> warning = ignored.isEmpty()
                ? Optional.empty()
                : Optional.of(file + ": ignored " + ignored.size() + (ignored.size() == 1 ? " entry" : " entries")
                        + " (seqguard reads only " + MAX_ERRORS_PER_HOUR + ", " + HISTORY_DAYS + " and " + REQUIRE_VALID_SEQUENCE
                        + " of [" + SECTION + "]): " + String.join("; ", ignored));
        return new ServerIni(overrides, problems, warning);
    }

    /** The imported keys, as seqguard keys, with Server.ini origins. */
    Config overrides() {
        return overrides;
    }

    /** Values that cannot be imported: not a number, out of range, not 0 or 1. */
    List<ConfigProblem> problems() {
        return problems;
    }

    /** One warning listing every ignored section, key and line, if any. */
    Optional<String> warning() {
        return warning;
    }

    private static Optional<Enforcement> enforcement(String value) {
        return switch (value) {
            case "1" -> Optional.of(Enforcement.ENFORCE);
            case "0" -> Optional.of(Enforcement.AUDIT);
            default -> Optional.empty();
        };
    }

    /** A whole number as a number, so messages show it as one; anything else as given. */
    private static Object number(String value) {
        if (INTEGER.matcher(value).matches()) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                // Too large for a long: left as text, the record reports it as out of range.
            }
        }
        return value;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1).strip();
        }
        return value;
    }

    private static String shorten(String line) {
        return line.length() <= 40 ? line : line.substring(0, 40) + "...";
    }

    private static String decode(byte[] bytes) {
        if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
            return decode(bytes, 3, UTF_8);
        }
        if (startsWith(bytes, 0xFF, 0xFE)) {
            return decode(bytes, 2, UTF_16LE);
        }
        if (startsWith(bytes, 0xFE, 0xFF)) {
            return decode(bytes, 2, UTF_16BE);
        }
        // Without a mark: UTF-8, which covers ASCII; other bytes in keys we ignore do no harm.
        return new String(bytes, UTF_8);
    }

    private static String decode(byte[] bytes, int skip, Charset charset) {
        return new String(bytes, skip, bytes.length - skip, charset);
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
