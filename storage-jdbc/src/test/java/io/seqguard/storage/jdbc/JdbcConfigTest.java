package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JdbcConfigTest {
    private static ConfigReader reader(String overrides) {
        Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
        return ConfigReader.of(config, Path.of("/opt/seqguard"));
    }

    @Test
    void defaultsAreThoseOfReferenceConf() {
        ConfigReader reader = reader("seqguard.jdbc.password = \"\"");
        JdbcConfig config = JdbcConfig.read(reader);

        assertThat(reader.problems()).isEmpty();
        assertThat(config).isEqualTo(new JdbcConfig("jdbc:postgresql://127.0.0.1:5432/seqguard", "seqguard", "", 10,
                Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(30), true, 64, Map.of()));
        assertThat(config.dialect()).isInstanceOf(PostgresDialect.class);
    }

    @Test
    void everyKeyMaps() {
        ConfigReader reader = reader("""
                seqguard.jdbc {
                  url = "jdbc:mysql://db:3306/sg"
                  user = app
                  password = pw
                  pool-size = 3
                  connection-timeout = 300ms
                  query-timeout = 2s
                  max-lifetime = 5m
                  migrate = false
                  batch-size = 7
                  properties { sslMode = verify-full, prepStmtCacheSize = 50 }
                }""");
        JdbcConfig config = JdbcConfig.read(reader);

        assertThat(reader.problems()).isEmpty();
        assertThat(config).isEqualTo(new JdbcConfig("jdbc:mysql://db:3306/sg", "app", "pw", 3, Duration.ofMillis(300),
                Duration.ofSeconds(2), Duration.ofMinutes(5), false, 7, Map.of("sslMode", "verify-full", "prepStmtCacheSize", "50")));
        assertThat(config.dialect()).isInstanceOf(MariaDbDialect.class);
        assertThat(config.dialect().driverUrl(config.url())).isEqualTo("jdbc:mariadb://db:3306/sg");
    }

    @Test
    void everyInvalidValueNamesItsAbsoluteKey() {
        ConfigReader reader = reader("""
                seqguard.jdbc {
                  url = "jdbc:oracle:thin:@db:1521/sg"
                  pool-size = 0
                  connection-timeout = 10ms
                  query-timeout = forever
                  max-lifetime = 1s
                  migrate = maybe
                  batch-size = 0
                  properties = [1]
                }""");
        JdbcConfig.read(reader);

        assertThat(reader.problems()).extracting(ConfigProblem::key).containsExactly(
                "seqguard.jdbc.url", "seqguard.jdbc.pool-size", "seqguard.jdbc.connection-timeout", "seqguard.jdbc.query-timeout",
                "seqguard.jdbc.max-lifetime", "seqguard.jdbc.migrate", "seqguard.jdbc.batch-size", "seqguard.jdbc.properties");
        assertThat(reader.problems().get(0).problem()).contains("jdbc:postgresql:", "jdbc:mariadb:");
        assertThat(reader.problems().get(0).origin()).isNotEqualTo("not set");
    }

    @Test
    void aPoolOfOneIsRefusedBecauseTheMigrationNeedsTwoConnections() {
        ConfigReader reader = reader("seqguard.jdbc { url = \"jdbc:postgresql://db/sg\", pool-size = 1 }");
        JdbcConfig.read(reader);

        assertThat(reader.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("seqguard.jdbc.pool-size");
            assertThat(problem.problem()).contains("2");
        });
    }

    @Test
    void nestedPropertyValuesAreRejected() {
        ConfigReader reader = reader("seqguard.jdbc.properties { ssl { mode = x } }");
        JdbcConfig.read(reader);

        assertThat(reader.problems()).extracting(ConfigProblem::key).containsExactly("seqguard.jdbc.properties.ssl");
    }

    @Test
    void aDriverPropertyTheMariaDbStoreReliesOnCannotBeChanged() {
        // With "found rows" counting an upsert that changed nothing counts one row: a replay would be "registered".
        ConfigReader reader = reader("""
                seqguard.jdbc.url = "jdbc:mariadb://db:3306/sg"
                seqguard.jdbc.properties { useaffectedrows = false, sslMode = verify-full }
                """);
        JdbcConfig.read(reader);
        assertThat(reader.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("seqguard.jdbc.properties.useaffectedrows");
            assertThat(problem.problem()).contains("must be true (or left out)");
        });

        ConfigReader repeated = reader("seqguard.jdbc.url = \"jdbc:mysql://db:3306/sg\"\nseqguard.jdbc.properties.useAffectedRows = TRUE");
        JdbcConfig.read(repeated);
        assertThat(repeated.problems()).isEmpty();

        ConfigReader postgres = reader("seqguard.jdbc.properties.useAffectedRows = false");
        JdbcConfig.read(postgres);
        assertThat(postgres.problems()).as("not a PostgreSQL driver property the store relies on").isEmpty();
    }

    @Test
    void aDriverPropertyTheMariaDbStoreReliesOnCannotBeChangedInTheUrlEither() {
        // The driver lets the URL's parameters override the properties the store gives it.
        ConfigReader reader = reader("seqguard.jdbc.url = \"jdbc:mariadb://db:3306/sg?sslMode=verify-full&UseAffectedRows=0\"");
        JdbcConfig.read(reader);
        assertThat(reader.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("seqguard.jdbc.url");
            assertThat(problem.problem()).contains("sets UseAffectedRows=0").contains("must be true (or left out)");
        });

        for (String url : List.of("jdbc:mysql://db/sg?useAffectedRows=false", "jdbc:mariadb://db/sg?useAffectedRows", "jdbc:mariadb://db/sg?a=1&useaffectedrows=&b=2")) {
            ConfigReader refused = reader("seqguard.jdbc.url = \"" + url + "\"");
            JdbcConfig.read(refused);
            assertThat(refused.problems()).as(url).extracting(ConfigProblem::key).containsExactly("seqguard.jdbc.url");
        }
        for (String url : List.of("jdbc:mariadb://db/sg?useAffectedRows=TRUE", "jdbc:mariadb://db/sg?", "jdbc:mariadb://db/sg?&&a=b",
                "jdbc:postgresql://db/sg?useAffectedRows=false")) {
            ConfigReader accepted = reader("seqguard.jdbc.url = \"" + url + "\"");
            JdbcConfig.read(accepted);
            assertThat(accepted.problems()).as(url).isEmpty();
        }
    }

    @Test
    void theServersBoundOnAStatementEndsBeforeTheSocketTimeout() {
        assertThat(Dialect.serverStatementBound(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(800));
        assertThat(Dialect.serverStatementBound(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(9));
        assertThat(Dialect.serverStatementBound(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(54));
    }

    @Test
    void toStringNeverShowsSecrets() {
        JdbcConfig config = new JdbcConfig("jdbc:postgresql://db/sg?user=app&password=url-secret", "app", "field-secret", 1,
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1), true, 1,
                Map.of("sslpassword", "prop-secret", "sslmode", "require"));

        assertThat(config.toString()).doesNotContain("url-secret", "field-secret", "prop-secret")
                .contains("password=<redacted>", "sslmode=require", "user=app");
        assertThat(config.redactedUrl()).isEqualTo("jdbc:postgresql://db/sg?user=app&password=<redacted>");
    }

    @Test
    void aBadUrlOrPasswordNeverPrintsTheSecretInTheProblemBlock() {
        ConfigReader reader = reader("""
                seqguard.jdbc.url = "jdbc:postgres://db/sg?user=app&password=s3cret-in-url"
                seqguard.jdbc.password = [ "s3cret-as-list" ]
                """);
        JdbcConfig.read(reader);

        assertThat(reader.problems()).extracting(ConfigProblem::key).contains("seqguard.jdbc.url", "seqguard.jdbc.password");
        String block = new io.seqguard.spi.config.ConfigException(reader.problems()).getMessage();
        assertThat(block).doesNotContain("s3cret").contains("password=<redacted>").contains("<redacted>");
    }
}
