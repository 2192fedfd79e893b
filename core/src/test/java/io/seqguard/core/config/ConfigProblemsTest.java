package io.seqguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.spi.config.ConfigException;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every invalid value is reported with its absolute key, the file and line, the value and what is allowed. */
class ConfigProblemsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            seqguard.sequence.window               | 4097           | seqguard.sequence.window                | 4097           | must be a whole number from 0 to 4096
            seqguard.sequence.window               | -1             | seqguard.sequence.window                | -1             | must be a whole number from 0 to 4096
            seqguard.sequence.window               | "wide"         | seqguard.sequence.window                | "wide"         | must be a whole number from 0 to 4096
            seqguard.sequence.window               | 7.5            | seqguard.sequence.window                | 7.5            | must be a whole number from 0 to 4096
            seqguard.sequence.window               | '"12x"'        | seqguard.sequence.window                | "12x"          | must be a whole number from 0 to 4096
            seqguard.errors.table.max-per-hour     | 99999999999999999999 | seqguard.errors.table.max-per-hour | '"99999999999999999999"' | must be a whole number from 0 to 1000000
            seqguard.sequence.enforcement          | reject         | seqguard.sequence.enforcement           | "reject"       | must be one of enforce, audit
            seqguard.errors.table.max-per-hour     | -1             | seqguard.errors.table.max-per-hour      | -1             | must be a whole number from 0 to 1000000
            seqguard.errors.table.max-per-hour     | 1000001        | seqguard.errors.table.max-per-hour      | 1000001        | must be a whole number from 0 to 1000000
            seqguard.errors.table.max-per-hour     | many           | seqguard.errors.table.max-per-hour      | "many"         | must be a whole number from 0 to 1000000
            seqguard.errors.table.history-days     | 0              | seqguard.errors.table.history-days      | 0              | must be a whole number from 1 to 3650
            seqguard.errors.table.history-days     | 3651           | seqguard.errors.table.history-days      | 3651           | must be a whole number from 1 to 3650
            seqguard.purge.interval                | 30s            | seqguard.purge.interval                 | "30s"          | must be a duration (e.g. 500ms, 30s, 24h) from 1m to 365d
            seqguard.purge.interval                | 366d           | seqguard.purge.interval                 | "366d"         | must be a duration
            seqguard.purge.interval                | soon           | seqguard.purge.interval                 | "soon"         | must be a duration
            seqguard.storage                       | My_Store       | seqguard.storage                        | "My_Store"     | must be a plugin id
            seqguard.storage                       | '""'           | seqguard.storage                        | ""             | must be a plugin id
            seqguard.storage                       | [sqlite]       | seqguard.storage                        | ["sqlite"]     | must be a string
            seqguard.transports                    | http           | seqguard.transports                     | "http"         | must be a list of strings
            seqguard.transports                    | '[http, "Bad Id"]' | seqguard.transports[1]            | "Bad Id"       | must be a plugin id
            seqguard.services                      | '[purge, purge]' | seqguard.services[1]                  | "purge"        | is listed twice
            seqguard.errors.sinks                  | '[" "]'        | seqguard.errors.sinks[0]                | " "            | must be a plugin id
            seqguard.errors.sinks                  | '[-table]'     | seqguard.errors.sinks[0]                | "-table"       | must be a plugin id
            seqguard.plugins.dir                   | '""'           | seqguard.plugins.dir                    | ""             | must be a non-empty path
            """)
    void invalidValueNamesKeyOriginValueAndRule(String key, String value, String reportedKey, String shown, String allowed) {
        TestHome home = new TestHome(dir);
        Path file = home.applicationConf("# line 1 is a comment\n" + key + " = " + value + "\n");

        List<ConfigProblem> problems = home.readAll().problems();

        assertThat(problems).hasSize(1);
        ConfigProblem problem = problems.get(0);
        assertThat(problem.key()).isEqualTo(reportedKey);
        assertThat(problem.origin()).isEqualTo(file + ": 2");
        assertThat(problem.value()).isEqualTo(shown);
        assertThat(problem.problem()).contains(allowed);
        assertThat(problem.describe()).startsWith(reportedKey + " = " + shown + " (" + file + ": 2): ");
    }

    @Test
    void allProblemsAreReportedAtOnce() {
        TestHome home = new TestHome(dir);
        Path file = home.applicationConf("""
                seqguard {
                  sequence.window = 5000
                  sequence.enforcement = strict
                  errors.table.history-days = 0
                  purge.interval = 1s
                  storage = "SQLite"
                }
                """);
        home.systemProperty("seqguard.errors.table.max-per-hour", "-5");

        ConfigReader reader = home.readAll();

        assertThat(reader.problems()).extracting(ConfigProblem::key).containsExactlyInAnyOrder(
                "seqguard.sequence.window", "seqguard.sequence.enforcement", "seqguard.errors.table.history-days",
                "seqguard.purge.interval", "seqguard.storage", "seqguard.errors.table.max-per-hour");
        assertThatThrownBy(reader::throwIfProblems)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid configuration (6 problems):")
                .hasMessageContainingAll("1) ", "2) ", "3) ", "4) ", "5) ", "6) ")
                .hasMessageContaining("seqguard.sequence.window = 5000 (" + file + ": 2): must be a whole number from 0 to 4096")
                .hasMessageContaining("seqguard.errors.table.max-per-hour = \"-5\" (system property -Dseqguard.errors.table.max-per-hour)")
                .hasMessageNotContaining("7) ");
    }

    @Test
    void loaderProblemsAndRecordProblemsTogether() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.sequence.windw = 3\nseqguard.sequence.window = 9999\n");
        ConfigReader reader = home.readAll();
        assertThat(reader.problems()).extracting(ConfigProblem::key)
                .containsExactly("seqguard.sequence.windw", "seqguard.sequence.window");
    }

    @Test
    void aKeySetToNullIsCalledNullWithItsFileAndLine() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.errors.table.max-per-hour = null\n");
        ConfigReader reader = home.readAll();
        assertThat(reader.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("seqguard.errors.table.max-per-hour");
            assertThat(problem.origin()).contains("application.conf").contains("1");
            assertThat(problem.problem()).startsWith("must have a value; null does not mean the default");
        });
    }

    @Test
    void syntaxErrorNamesFileAndLine() {
        TestHome home = new TestHome(dir);
        Path file = home.applicationConf("""
                seqguard {
                  sequence {
                    window = 16
                    enforcement = = audit
                  }
                }
                """);
        LoadedConfig loaded = home.load();
        assertThat(loaded.problems()).hasSize(1);
        ConfigProblem problem = loaded.problems().get(0);
        assertThat(problem.key()).isEqualTo("application.conf");
        assertThat(problem.origin()).isEqualTo(file + ": 4");
        assertThat(problem.problem()).startsWith("syntax error: ").doesNotContain(file.toString());
        // The broken file is skipped, but the rest still loads so other problems can be found too.
        assertThat(loaded.config().getInt("seqguard.sequence.window")).isZero();
    }

    @Test
    void unclosedBraceIsASyntaxError() {
        TestHome home = new TestHome(dir);
        Path file = home.applicationConf("seqguard {\n  storage = jdbc\n");
        assertThat(home.load().problems()).singleElement().satisfies(problem -> {
            assertThat(problem.origin()).startsWith(file.toString());
            assertThat(problem.problem()).startsWith("syntax error: ");
        });
    }

    @Test
    void missingExplicitFileIsAProblem() {
        TestHome home = new TestHome(dir);
        LoadedConfig loaded = ConfigLoader.load(home.sources().applicationConf(Path.of("conf/nowhere.conf")).build());
        assertThat(loaded.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.value()).isEqualTo(dir.toAbsolutePath().resolve("conf/nowhere.conf").toString());
            assertThat(problem.problem()).contains("does not exist");
        });
        assertThatThrownBy(loaded::throwIfProblems).isInstanceOf(ConfigException.class).hasMessageContaining("nowhere.conf");
    }

    @Test
    void missingDefaultFileIsFine() {
        assertThat(new TestHome(dir).load().problems()).isEmpty();
    }

    @Test
    void unresolvableSubstitutionIsAProblem() {
        TestHome home = new TestHome(dir);
        Path file = home.applicationConf("\nseqguard.sequence.window = ${nowhere.to.be.found}\n");
        LoadedConfig loaded = home.load();
        assertThat(loaded.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.origin()).isEqualTo(file + ": 2");
            assertThat(problem.problem()).contains("nowhere.to.be.found");
        });
        // Reading records from what is left still works (the defaults), so nothing else breaks.
        assertThat(SequenceConfig.read(loaded.reader()).window()).isZero();
    }

    @Test
    void badSystemPropertyNamesTheProperty() {
        TestHome home = new TestHome(dir).systemProperty("seqguard.sequence.window", "lots");
        assertThat(home.readAll().problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("seqguard.sequence.window");
            assertThat(problem.origin()).isEqualTo("system property -Dseqguard.sequence.window");
            assertThat(problem.value()).isEqualTo("\"lots\"");
        });
    }

    @Test
    void badOverrideFromCodeIsAProblem() {
        TestHome home = new TestHome(dir);
        LoadedConfig loaded = ConfigLoader.load(home.sources().overrides(java.util.Map.of("seqguard.storage", new Object())).build());
        assertThat(loaded.problems()).singleElement().satisfies(problem -> assertThat(problem.origin()).isEqualTo("overrides from code"));
    }
}
