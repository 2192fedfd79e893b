package io.seqguard.spi.config;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.BadValue;
import com.typesafe.config.ConfigException.Missing;
import com.typesafe.config.ConfigException.WrongType;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads typed values from the effective configuration and collects every problem instead of
 * failing at the first. Each configuration record has a {@code read(ConfigReader)} factory that
 * uses it; after all records are read, start-up calls {@link #throwIfProblems()}.
 *
 * <p>Keys are given relative to the reader's namespace ({@link #at(String)}); problems name the
 * absolute key and where its value came from. When a value is bad, the getter records the
 * problem and returns a harmless placeholder so reading can go on.
 *
 * <p>Not thread safe; used once, during start-up.
 */
public final class ConfigReader {
    private final Config root;
    private final String prefix;
    private final Path home;
    private final List<ConfigProblem> problems;

    private ConfigReader(Config root, String prefix, Path home, List<ConfigProblem> problems) {
        this.root = root;
        this.prefix = prefix;
        this.home = home;
        this.problems = problems;
    }

    /**
     * A reader over the resolved, effective configuration.
     *
     * @param config the resolved configuration, never null
     * @param home the folder relative paths resolve against, never null
     */
    public static ConfigReader of(Config config, Path home) {
        return new ConfigReader(requireNonNull(config, "config"), "", requireNonNull(home, "home").toAbsolutePath().normalize(),
                new ArrayList<>());
    }

    /** A reader for the namespace {@code path} below this one, sharing the problem list. */
    public ConfigReader at(String path) {
        return new ConfigReader(root, absolute(path) + ".", home, problems);
    }

    /** The whole effective configuration (for logging it, or for plugins with special needs). */
    public Config config() {
        return root;
    }

    /** The installation's home folder, absolute. */
    public Path home() {
        return home;
    }

    /** The absolute form of a key relative to this reader. */
    public String absolute(String key) {
        return prefix + key;
    }

    public String string(String key) {
        String abs = absolute(key);
        try {
            return root.getString(abs);
        } catch (Missing e) {
            missing(abs);
        } catch (WrongType e) {
            bad(abs, "must be a string");
        }
        return "";
    }

    /** A string that may be absent or null; an empty string counts as absent. */
    public Optional<String> optionalString(String key) {
        String abs = absolute(key);
        if (!root.hasPath(abs)) {
            return Optional.empty();
        }
        String value = string(key);
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public boolean bool(String key) {
        String abs = absolute(key);
        try {
            return root.getBoolean(abs);
        } catch (Missing e) {
            missing(abs);
        } catch (WrongType e) {
            bad(abs, "must be true or false");
        }
        return false;
    }

    /** An integer in {@code [min, max]}. */
    public int intBetween(String key, int min, int max) {
        return (int) longBetween(key, min, max);
    }

    /** A long in {@code [min, max]}. */
    public long longBetween(String key, long min, long max) {
        String abs = absolute(key);
        String allowed = "must be a whole number from " + min + " to " + max;
        try {
            // getLong would truncate 7.5 to 7 and clamp huge numbers; only integers are whole.
            Number number = root.getNumber(abs);
            if (!(number instanceof Integer || number instanceof Long)) {
                bad(abs, allowed);
                return min;
            }
            long value = number.longValue();
            if (value < min || value > max) {
                bad(abs, allowed);
                return min;
            }
            return value;
        } catch (Missing e) {
            missing(abs);
        } catch (WrongType e) {
            bad(abs, allowed);
        }
        return min;
    }

    /** A HOCON duration ({@code 24h}, {@code 500ms}) in {@code [min, max]}. */
    public Duration duration(String key, Duration min, Duration max) {
        String abs = absolute(key);
        String allowed = "must be a duration (e.g. 500ms, 30s, 24h) from " + hocon(min) + " to " + hocon(max);
        try {
            Duration value = root.getDuration(abs);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                bad(abs, allowed);
                return min;
            }
            return value;
        } catch (Missing e) {
            missing(abs);
        } catch (WrongType | BadValue e) {
            bad(abs, allowed);
        }
        return min;
    }

    /** A HOCON size in bytes ({@code 1MiB}, {@code 64KiB}) in {@code [min, max]}. */
    public long bytes(String key, long min, long max) {
        String abs = absolute(key);
        String allowed = "must be a size (e.g. 64KiB, 1MiB) from " + min + " to " + max + " bytes";
        try {
            long value = root.getBytes(abs);
            if (value < min || value > max) {
                bad(abs, allowed);
                return min;
            }
            return value;
        } catch (Missing e) {
            missing(abs);
        } catch (WrongType | BadValue e) {
            bad(abs, allowed);
        }
        return min;
    }

    /** A file-system path; a relative one resolves against {@link #home()}. */
    public Path path(String key) {
        String value = string(key);
        if (value.isEmpty()) {
            if (root.hasPath(absolute(key))) {
                bad(absolute(key), "must be a non-empty path");
            }
            return home;
        }
        try {
            return home.resolve(value).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            bad(absolute(key), "must be a valid path: " + e.getReason());
            return home;
        }
    }

    /**
     * One of an enum's constants, written in lower-case kebab-case ({@code AUDIT_ONLY} is
     * {@code audit-only}).
     */
    public <E extends Enum<E>> E oneOf(String key, Class<E> type) {
        String abs = absolute(key);
        E[] constants = type.getEnumConstants();
        List<String> names = new ArrayList<>();
        for (E constant : constants) {
            names.add(kebab(constant));
        }
        String value = string(key);
        for (E constant : constants) {
            if (kebab(constant).equals(value)) {
                return constant;
            }
        }
        if (root.hasPath(abs)) {
            bad(abs, "must be one of " + String.join(", ", names));
        }
        return constants[0];
    }

    /** A list of strings. */
    public List<String> stringList(String key) {
        String abs = absolute(key);
        try {
            return List.copyOf(root.getStringList(abs));
        } catch (Missing e) {
            missing(abs);
        } catch (WrongType e) {
            bad(abs, "must be a list of strings, e.g. [\"a\", \"b\"]");
        }
        return List.of();
    }

    /**
     * Records a problem with {@code key} found by the caller's own validation, e.g. a rule that
     * spans two keys.
     *
     * @param allowed what is wrong and what is allowed
     */
    public void problem(String key, String allowed) {
        bad(absolute(key), allowed);
    }

    /** Records a problem whose key and origin the caller determined (e.g. a Server.ini line). */
    public void problem(ConfigProblem problem) {
        problems.add(requireNonNull(problem, "problem"));
    }

    /** The problems found so far, in order. */
    public List<ConfigProblem> problems() {
        return List.copyOf(problems);
    }

    /** Throws one {@link ConfigException} listing every problem, if there are any. */
    public void throwIfProblems() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Where the value of an absolute key came from, for messages. */
    public String originOf(String absoluteKey) {
        if (!root.hasPathOrNull(absoluteKey)) {
            return "not set";
        }
        return describe(valueOrNull(absoluteKey).origin());
    }

    /** The value at a key that is set, a null value included (which {@code Config.getValue} refuses). */
    private ConfigValue valueOrNull(String absoluteKey) {
        ConfigValue value = root.root();
        for (String segment : ConfigUtil.splitPath(absoluteKey)) {
            value = ((ConfigObject) value).get(segment);
        }
        return value;
    }

    /** Renders an origin as "file: line", "Server.ini line N", "system property" and the like. */
    public static String describe(ConfigOrigin origin) {
        if (origin == null) {
            return "unknown source";
        }
        if (origin.filename() != null) {
            return origin.lineNumber() > 0 ? origin.filename() + ": " + origin.lineNumber() : origin.filename();
        }
        String description = origin.description();
        if (origin.resource() != null && origin.lineNumber() > 0) {
            return origin.resource() + ": " + origin.lineNumber();
        }
        return description;
    }

    private void missing(String abs) {
        if (root.hasPathOrNull(abs)) {
            // Set to null by the operator: that is not "use the default".
            problems.add(new ConfigProblem(abs, describe(valueOrNull(abs).origin()), "null",
                    "must have a value; null does not mean the default: remove the line to use the default"));
            return;
        }
        problems.add(new ConfigProblem(abs, "not set", null, "is required but missing (is a module's reference.conf missing?)"));
    }

    private void bad(String abs, String allowed) {
        String value = null;
        String origin = "not set";
        if (root.hasPath(abs)) {
            ConfigValue v = root.getValue(abs);
            value = v.valueType() == ConfigValueType.STRING ? "\"" + v.unwrapped() + "\"" : v.render(ConfigRenderOptions.concise());
            origin = describe(v.origin());
        }
        problems.add(new ConfigProblem(abs, origin, value, allowed));
    }

    /** A duration the way an operator writes it in HOCON: {@code 1m}, {@code 365d}, {@code 1500ms}. */
    private static String hocon(Duration duration) {
        long nanos;
        try {
            nanos = duration.toNanos();
        } catch (ArithmeticException e) {
            return duration.toDays() + "d";
        }
        long[] units = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        String[] names = {"d", "h", "m", "s", "ms", "us"};
        for (int i = 0; i < units.length; i++) {
            if (nanos % units[i] == 0) {
                return nanos / units[i] + names[i];
            }
        }
        return nanos + "ns";
    }

    private static String kebab(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
