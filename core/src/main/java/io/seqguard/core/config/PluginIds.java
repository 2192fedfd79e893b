package io.seqguard.core.config;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads plugin ids (a storage id, lists of transport, service and sink ids) and checks that each
 * is a non-blank kebab-case id, reporting a bad list element with its own position and line.
 *
 * <p>Stateless and thread safe.
 */
public final class PluginIds {
    private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final String RULE = "must be a plugin id: lower-case letters and digits in words joined by single hyphens, e.g. \"server-log\"";

    private PluginIds() {}

    /** Whether {@code id} is one configuration can name: lower-case kebab-case. */
    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** One id; a bad one is reported and returned as read. */
    static String id(ConfigReader reader, String key) {
        String value = reader.string(key);
        String absolute = reader.absolute(key);
        if (reader.config().hasPath(absolute) && scalar(reader.config().getValue(absolute)) && !ID.matcher(value).matches()) {
            reader.problem(key, RULE);
        }
        return value;
    }

    /** Lists and objects are not read as strings at all; {@link ConfigReader#string} reported them. */
    private static boolean scalar(ConfigValue value) {
        return value.valueType() != ConfigValueType.LIST && value.valueType() != ConfigValueType.OBJECT;
    }

    /** A list of distinct ids; bad and repeated elements are reported and left out. */
    static List<String> ids(ConfigReader reader, String key) {
        List<String> values = reader.stringList(key);
        String absolute = reader.absolute(key);
        if (!reader.config().hasPath(absolute) || reader.config().getValue(absolute).valueType() != ConfigValueType.LIST) {
            return values; // missing or not a list: already reported
        }
        List<? extends ConfigValue> elements = reader.config().getList(absolute);
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String id = values.get(i);
            String origin = ConfigReader.describe(elements.get(i).origin());
            String element = absolute + "[" + i + "]";
            if (!ID.matcher(id).matches()) {
                reader.problem(new ConfigProblem(element, origin, "\"" + id + "\"", RULE));
            } else if (!seen.add(id)) {
                reader.problem(new ConfigProblem(element, origin, "\"" + id + "\"", "is listed twice; name each plugin once"));
            } else {
                ids.add(id);
            }
        }
        return List.copyOf(ids);
    }
}
