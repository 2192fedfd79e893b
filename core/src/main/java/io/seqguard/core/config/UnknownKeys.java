package io.seqguard.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import io.seqguard.spi.config.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Finds keys under the root that no {@code reference.conf} defines, and suggests the known key
 * the operator most likely meant. A key whose reference value is null (an unset token) is known;
 * below a known non-object value (a list, a free-form map set to null) nothing is checked, nor
 * below a known empty section ({@code properties {}}): a section that names no keys is free-form,
 * such as a driver's extra properties.
 *
 * <p>Stateless and thread safe.
 */
final class UnknownKeys {
    private UnknownKeys() {}

    static void check(Config effective, Config reference, String root, List<ConfigProblem> problems) {
        ConfigValue value = effective.root().get(root);
        if (value == null) {
            return;
        }
        ConfigValue known = reference.root().get(root);
        List<String> candidates = new ArrayList<>();
        if (known instanceof ConfigObject knownObject) {
            collect(knownObject, List.of(root), candidates);
        }
        walk(value, known, List.of(root), candidates, problems);
    }

    private static void walk(ConfigValue value, ConfigValue known, List<String> path, List<String> candidates, List<ConfigProblem> problems) {
        String key = ConfigUtil.joinPath(path);
        if (known == null) {
            Optional<String> suggestion = suggest(key, candidates);
            // A misspelt password key is still a password: do not print its value.
            boolean secret = Secrets.sensitive(key) || suggestion.filter(Secrets::sensitive).isPresent();
            problems.add(new ConfigProblem(key, ConfigReader.describe(value.origin()), secret ? "\"" + Secrets.REDACTED + "\"" : display(value),
                    "unknown key" + suggestion.map(s -> "; did you mean " + s + "?").orElse(
                            " (no module's reference.conf defines it: is it misspelt, or is its plugin missing?)")));
            return;
        }
        if (known.valueType() != ConfigValueType.OBJECT || ((ConfigObject) known).isEmpty()) {
            return; // a value, or a free-form section: the module checks what is below it
        }
        if (!(value instanceof ConfigObject object)) {
            if (value.valueType() != ConfigValueType.NULL) {
                problems.add(new ConfigProblem(key, ConfigReader.describe(value.origin()), display(value),
                        "must be a section with the keys " + String.join(", ", new TreeSet<>(((ConfigObject) known).keySet()))));
            }
            return;
        }
        ConfigObject knownObject = (ConfigObject) known;
        for (String child : new TreeSet<>(object.keySet())) {
            List<String> childPath = new ArrayList<>(path);
            childPath.add(child);
            walk(object.get(child), knownObject.get(child), childPath, candidates, problems);
        }
    }

    private static void collect(ConfigObject object, List<String> path, List<String> out) {
        for (String child : new TreeSet<>(object.keySet())) {
            List<String> childPath = new ArrayList<>(path);
            childPath.add(child);
            out.add(ConfigUtil.joinPath(childPath));
            if (object.get(child) instanceof ConfigObject nested) {
                collect(nested, childPath, out);
            }
        }
    }

    /**
     * The closest known key by edit distance when it is close; otherwise a known key whose last
     * segment is (nearly) the same, for a key put in the wrong section.
     */
    static Optional<String> suggest(String unknown, List<String> candidates) {
        String wanted = unknown.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(wanted, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best != null && bestDistance <= Math.max(2, lastSegment(unknown).length() / 3)) {
            return Optional.of(best);
        }
        String last = lastSegment(wanted);
        String moved = null;
        int movedDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String candidateLast = lastSegment(candidate.toLowerCase(Locale.ROOT));
            if (distance(last, candidateLast) <= (last.length() > 6 ? 1 : 0)) {
                int distance = distance(wanted, candidate.toLowerCase(Locale.ROOT));
                if (distance < movedDistance) {
                    moved = candidate;
                    movedDistance = distance;
                }
            }
        }
        return Optional.ofNullable(moved);
    }

    private static String lastSegment(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String display(ConfigValue value) {
        if (value instanceof ConfigObject object) {
            // Only the names: a misspelt section ("jbdc { password = … }") may hold a secret under any name.
            return "{ " + String.join(", ", new TreeSet<>(object.keySet())) + " }";
        }
        String text = value.valueType() == ConfigValueType.STRING
                ? "\"" + value.unwrapped() + "\""
                : Secrets.maskEmbedded(value.render(ConfigRenderOptions.concise()));
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
