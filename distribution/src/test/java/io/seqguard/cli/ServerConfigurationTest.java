package io.seqguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigurationTest {
    @TempDir
    Path home;

    private void applicationConf(String text) throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/application.conf"), text);
    }

    @Test
    void theDefaultsAreValidAndTheLaunchersHomePropertyIsNotAKey() {
        Properties properties = new Properties();
        properties.setProperty("seqguard.home", home.toString());

        ServerConfiguration configuration = ServerConfiguration.load(home, null, properties);

        assertThat(configuration.validate()).isEmpty();
        assertThat(configuration.config().getString("seqguard.storage")).isEqualTo("sqlite");
    }

    @Test
    void everyProblemIsCollectedWithItsKey() throws IOException {
        applicationConf("seqguard.storage = nosuch\nseqguard.errors.table.history-days = 0\n");
        Properties properties = new Properties();
        properties.setProperty("seqguard.sequence.window", "-1");

        ServerConfiguration configuration = ServerConfiguration.load(home, null, properties);

        assertThat(configuration.validate()).extracting(ConfigProblem::key).contains("seqguard.storage",
                "seqguard.errors.table.history-days", "seqguard.sequence.window");
    }

    @Test
    void driverPropertiesOfTheJdbcStoreAreAccepted() throws IOException {
        // The shipped application.conf and docs/SCALING.md tell operators to set these; before the
        // fix every one was refused as an unknown key, and TLS to the database could not be set up.
        applicationConf("""
                seqguard.storage = jdbc
                seqguard.jdbc.url = "jdbc:postgresql://db.example:5432/epo"
                seqguard.jdbc.properties { sslmode = verify-full, sslrootcert = "/etc/ssl/db.pem", prepareThreshold = 0 }
                """);

        ServerConfiguration configuration = ServerConfiguration.load(home, null, new Properties());

        assertThat(configuration.validate()).isEmpty();
        assertThat(configuration.config().getConfig("seqguard.jdbc.properties").root().unwrapped())
                .containsEntry("sslmode", "verify-full").containsEntry("prepareThreshold", 0);
    }

    @Test
    void aDriverPropertyThatIsASectionIsRefusedByTheStore() throws IOException {
        applicationConf("""
                seqguard.storage = jdbc
                seqguard.jdbc.url = "jdbc:postgresql://db.example:5432/epo"
                seqguard.jdbc.properties { ssl { mode = x } }
                """);

        ServerConfiguration configuration = ServerConfiguration.load(home, null, new Properties());

        assertThat(configuration.validate()).extracting(ConfigProblem::key).containsExactly("seqguard.jdbc.properties.ssl");
    }

    @Test
    void serverIniOverridesApplicationConf() throws IOException {
        applicationConf("seqguard.errors.table.max-per-hour = 50\n");
        Files.writeString(home.resolve("conf/Server.ini"), "[Server]\nSequenceNumberErrorLogMaxErrorsPerHour=3\n");

        ServerConfiguration configuration = ServerConfiguration.load(home, null, new Properties());

        assertThat(configuration.validate()).isEmpty();
        assertThat(configuration.config().getInt("seqguard.errors.table.max-per-hour")).isEqualTo(3);
    }

    @Test
    void theShippedServerIniExampleIsValid() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.copy(Path.of("src/main/dist/conf/Server.ini.example"), home.resolve("conf/Server.ini"));

        ServerConfiguration configuration = ServerConfiguration.load(home, null, new Properties());

        assertThat(configuration.validate()).isEmpty();
        assertThat(configuration.warnings()).isEmpty();
        assertThat(configuration.config().getString("seqguard.sequence.enforcement")).isEqualTo("enforce");
    }
}
