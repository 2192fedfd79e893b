package io.seqguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import io.seqguard.spi.config.ConfigProblem;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys under seqguard that no reference.conf defines are problems, with a suggestion when one is close. */
class UnknownKeysTest {
    @TempDir
    Path dir;

    @Test
    void misspeltKeyGetsASuggestion() {
        TestHome home = new TestHome(dir);
        Path file = home.applicationConf("seqguard {\n  sequence {\n    windw = 64\n  }\n}\n");
        ConfigProblem problem = single(home);
        assertThat(problem.key()).isEqualTo("seqguard.sequence.windw");
        assertThat(problem.origin()).isEqualTo(file + ": 3");
        assertThat(problem.value()).isEqualTo("64");
        assertThat(problem.problem()).isEqualTo("unknown key; did you mean seqguard.sequence.window?");
    }

    @Test
    void keyInTheWrongSectionGetsASuggestion() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.errors.max-per-hour = 5");
        assertThat(single(home).problem()).isEqualTo("unknown key; did you mean seqguard.errors.table.max-per-hour?");
    }

    @Test
    void misspeltSectionGetsASuggestion() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.sequnce { window = 5 }");
        ConfigProblem problem = single(home);
        assertThat(problem.key()).isEqualTo("seqguard.sequnce");
        assertThat(problem.problem()).isEqualTo("unknown key; did you mean seqguard.sequence?");
    }

    @Test
    void aMisspeltSectionShowsItsKeysButNoValues() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.jbdc { password = hunter2-secret, url = \"jdbc:postgresql://db/x?password=in-url\" }");
        ConfigProblem problem = single(home);
        assertThat(problem.key()).isEqualTo("seqguard.jbdc");
        assertThat(problem.value()).isEqualTo("{ password, url }");
    }

    @Test
    void nothingCloseMeansNoSuggestion() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.frobnicate-everything = true");
        assertThat(single(home).problem()).startsWith("unknown key (no module's reference.conf defines it");
    }

    @Test
    void unknownSystemPropertyShowsItsOrigin() {
        TestHome home = new TestHome(dir).systemProperty("seqguard.purge.intervall", "1h");
        ConfigProblem problem = single(home);
        assertThat(problem.origin()).isEqualTo("system property -Dseqguard.purge.intervall");
        assertThat(problem.problem()).contains("did you mean seqguard.purge.interval?");
    }

    @Test
    void aMisspeltSectionInASystemPropertyNamesTheProperty() {
        TestHome home = new TestHome(dir).systemProperty("seqguard.sequnce.window", "1");
        ConfigProblem problem = single(home);
        assertThat(problem.key()).isEqualTo("seqguard.sequnce");
        assertThat(problem.origin()).isEqualTo("system property -Dseqguard.sequnce.window");
        assertThat(problem.problem()).contains("did you mean seqguard.sequence?");
    }

    @Test
    void aListGivenByIndexInASystemPropertyKeepsItsOrigin() {
        // HOCON reads an object with numeric keys as a list: -Dseqguard.transports.0=grpc sets [grpc].
        TestHome home = new TestHome(dir).systemProperty("seqguard.transports.0", "grpc");
        LoadedConfig loaded = home.load();
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().getStringList("seqguard.transports")).containsExactly("grpc");
        assertThat(loaded.config().getValue("seqguard.transports").origin().description()).isEqualTo("system property -Dseqguard.transports.0");
    }

    @Test
    void twoPropertiesOfOneSectionBothArrive() {
        TestHome home = new TestHome(dir).systemProperty("seqguard.sequence.window", "64").systemProperty("seqguard.sequence.enforcement", "audit");
        Config config = home.load().config();
        assertThat(config.getInt("seqguard.sequence.window")).isEqualTo(64);
        assertThat(config.getString("seqguard.sequence.enforcement")).isEqualTo("audit");
        assertThat(config.getValue("seqguard.sequence.window").origin().description()).isEqualTo("system property -Dseqguard.sequence.window");
    }

    @Test
    void keysOutsideSeqguardAreNotChecked() {
        TestHome home = new TestHome(dir);
        home.applicationConf("logging.level = debug\nakka.loglevel = INFO");
        assertThat(home.load().problems()).isEmpty();
    }

    @Test
    void anEmptyReferenceSectionIsFreeFormAndItsNeighboursAreStillChecked() {
        // A driver's extra properties: the module's reference.conf has `properties {}` and cannot list them.
        TestHome home = new TestHome(dir).pluginReference("plugins/db", """
                seqguard.db {
                  url = null
                  properties {}
                }
                """);
        home.applicationConf("""
                seqguard.db.url = "jdbc:x"
                seqguard.db.properties { sslmode = verify-full, ssl { factory = x } }
                seqguard.db.propertes { sslmode = require }
                """);
        LoadedConfig loaded = home.load();
        assertThat(loaded.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("seqguard.db.propertes");
            assertThat(problem.problem()).isEqualTo("unknown key; did you mean seqguard.db.properties?");
        });
        assertThat(loaded.config().getString("seqguard.db.properties.sslmode")).isEqualTo("verify-full");
    }

    @Test
    void pluginReferenceKeysAreKnownAndNullMeansKnown() {
        TestHome home = new TestHome(dir).pluginReference("plugins/http", """
                seqguard.http {
                  admin { port = 8081, token = null }
                  trusted-proxies = []
                }
                """);
        home.applicationConf("""
                seqguard.http.admin.token = "s3cret"
                seqguard.http.admin.port = 9000
                seqguard.http.trusted-proxies = ["10.0.0.1"]
                seqguard.http.admin.tokn = "x"
                """);
        LoadedConfig loaded = home.load();
        assertThat(loaded.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("seqguard.http.admin.tokn");
            assertThat(problem.problem()).contains("did you mean seqguard.http.admin.token?");
            // Close to a secret: the value is not printed.
            assertThat(problem.value()).isEqualTo("\"<redacted>\"");
        });
        assertThat(loaded.config().getInt("seqguard.http.admin.port")).isEqualTo(9000);
        assertThat(loaded.reference().hasPathOrNull("seqguard.sequence.window")).as("the server's reference is still merged").isTrue();
    }

    @Test
    void withoutThePluginItsKeysAreUnknown() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.http.admin.port = 9000");
        assertThat(single(home).key()).isEqualTo("seqguard.http");
    }

    @Test
    void scalarWhereASectionBelongs() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.purge = daily");
        List<ConfigProblem> problems = home.load().problems();
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("seqguard.purge");
            assertThat(problem.problem()).isEqualTo("must be a section with the keys interval");
        });
    }

    @Test
    void scalarWhereASectionBelongsStillLetsRecordsReadAndReport() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard.purge = daily\nseqguard.sequence = 5");
        assertThat(home.readAll().problems()).extracting(ConfigProblem::key).contains("seqguard.purge", "seqguard.sequence");
    }

    @Test
    void scalarRoot() {
        TestHome home = new TestHome(dir);
        home.applicationConf("seqguard = 5");
        assertThat(home.readAll().problems()).extracting(ConfigProblem::key).contains("seqguard");
    }

    @Test
    void pluginJarReferenceIsNamedByJarAndLine() throws Exception {
        Path jar = dir.resolve("plugins/audit-log/audit-log-1.0.jar");
        java.nio.file.Files.createDirectories(jar.getParent());
        try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry("reference.conf"));
            out.write("# audit log plugin\nseqguard.audit-log {\n  url = null\n}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        TestHome home = new TestHome(dir);
        LoadedConfig loaded;
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, UnknownKeysTest.class.getClassLoader())) {
            home.applicationConf("seqguard.audit-log.url = \"syslog://x\"\nseqguard.audit-log.uri = 1");
            loaded = ConfigLoader.load(home.sources().referenceLoaders(List.of(UnknownKeysTest.class.getClassLoader(), loader)).build());
        }
        assertThat(loaded.problems()).extracting(ConfigProblem::key).containsExactly("seqguard.audit-log.uri");
        assertThat(loaded.problems().get(0).problem()).contains("did you mean seqguard.audit-log.url?");
        assertThat(io.seqguard.spi.config.ConfigReader.describe(loaded.reference().getValue("seqguard.sequence.window").origin()))
                .matches(".*reference.conf: \\d+");
        String rendered = ConfigRenderer.render(loaded.reference(), "seqguard.audit-log");
        assertThat(rendered).contains("# audit-log-1.0.jar!/reference.conf: 3");
    }

    @Test
    void suggestionNeedsToBeClose() {
        List<String> known = List.of("seqguard.sequence.window", "seqguard.sequence.enforcement", "seqguard.storage");
        assertThat(UnknownKeys.suggest("seqguard.sequence.windw", known)).contains("seqguard.sequence.window");
        assertThat(UnknownKeys.suggest("seqguard.Storage", known)).contains("seqguard.storage");
        assertThat(UnknownKeys.suggest("seqguard.sequence.zzz", known)).isEmpty();
        assertThat(UnknownKeys.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(UnknownKeys.distance("", "abc")).isEqualTo(3);
    }

    private static ConfigProblem single(TestHome home) {
        List<ConfigProblem> problems = home.load().problems();
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }
}
