package io.seqguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * conf/application.conf lists every key of every bundled module, commented out, with its
 * default: compared here with the merged reference.conf of the distribution's class path, so a
 * key added to (or removed from) a module fails the build until the operator's file follows.
 */
class ApplicationConfTest {
    static final Path APPLICATION_CONF = Path.of("src/main/dist/conf/application.conf");
    private static final Pattern COMMENTED_KEY = Pattern.compile("^# (seqguard\\.[A-Za-z0-9.-]+) = (.*)$");

    @Test
    void everyShippedKeyIsListedWithItsDefault() throws IOException {
        Map<String, String> listed = listedKeys();
        Config reference = ConfigFactory.defaultReference().resolve();

        Set<String> shipped = referenceKeys(reference);
        Set<String> missing = new TreeSet<>(shipped);
        missing.removeAll(listed.keySet());
        Set<String> unknown = new TreeSet<>(listed.keySet());
        unknown.removeAll(shipped);
        assertThat(missing).as("keys of the bundled modules missing from conf/application.conf").isEmpty();
        assertThat(unknown).as("keys in conf/application.conf that no bundled module defines").isEmpty();
        listed.forEach((key, value) -> {
            ConfigValue parsed = ConfigFactory.parseString("v = " + value).getValue("v");
            assertThat(parsed.unwrapped()).as("default of %s", key).isEqualTo(reference.getValue(key).unwrapped());
        });
    }

    @Test
    void theShippedFileSetsNothing() {
        Config shipped = ConfigFactory.parseFile(APPLICATION_CONF.toFile());
        assertThat(shipped.isEmpty()).as("every line of the shipped application.conf is a comment").isTrue();
    }

    static Map<String, String> listedKeys() throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : Files.readAllLines(APPLICATION_CONF, StandardCharsets.UTF_8)) {
            Matcher m = COMMENTED_KEY.matcher(line);
            if (m.matches()) {
                assertThat(keys.put(m.group(1), m.group(2))).as("%s listed twice", m.group(1)).isNull();
            }
        }
        return keys;
    }

    /** Leaf keys under seqguard, plus empty objects such as seqguard.jdbc.properties. */
    private static Set<String> referenceKeys(Config reference) {
        Set<String> keys = new TreeSet<>();
        collect(reference.getObject("seqguard"), "seqguard", keys);
        return keys;
    }

    private static void collect(ConfigObject object, String path, Set<String> keys) {
        object.forEach((name, value) -> {
            String key = path + "." + name;
            if (value instanceof ConfigObject child && !child.isEmpty()) {
                collect(child, key, keys);
            } else {
                keys.add(key);
            }
        });
    }
}
