package io.seqguard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.seqguard.spi.config.Secrets;

/** The effective configuration as text: every key with its origin, and no secret in sight. */
class ConfigRendererTest {
    @TempDir
    Path dir;

    @Test
    void rendersEveryKeyWithItsOrigin() {
        TestHome home = new TestHome(dir);
        Path file = home.applicationConf("seqguard.sequence.window = 64\n");
        home.systemProperty("seqguard.storage", "jdbc");
        String text = ConfigRenderer.render(home.load().config(), "seqguard");

        assertThat(text).startsWith("seqguard {").contains("  sequence {")
                .contains("    # " + file + ": 1" + System.lineSeparator() + "    window = 64")
                .contains("  # system property -Dseqguard.storage" + System.lineSeparator() + "  storage = \"jdbc\"")
                .contains("reference.conf: ")
                .contains("transports = [\"http\"]")
                .contains("interval = \"24h\"");
        assertThat(text.lines().filter(line -> line.contains(" = ")).count()).as("one line per key of core's reference.conf").isEqualTo(11);
    }

    @Test
    void redactsSecrets() {
        TestHome home = new TestHome(dir).pluginReference("plugins/secrets", """
                seqguard.vault {
                  password = null
                  client-secret = null
                  admin-token = null
                  unset-token = null
                  empty-password = ""
                  require-token = null
                  token-file = null
                  url = null
                  user = null
                  secrets { a = null }
                }
                """);
        home.applicationConf("""
                seqguard.vault {
                  password = "hunter2"
                  client-secret = "abc123"
                  admin-token = 424242
                  require-token = true
                  token-file = "data/admin.token"
                  url = "jdbc:postgresql://db/test?user=root&password=pgpass&ssl=true"
                  user = "root"
                  secrets { a = "deep" }
                }
                """);
        LoadedConfig loaded = home.load();
        assertThat(loaded.problems()).isEmpty();
        String text = ConfigRenderer.render(loaded.config(), "seqguard.vault");

        assertThat(text).doesNotContain("hunter2", "abc123", "424242", "pgpass", "deep")
                .contains("password = \"<redacted>\"", "client-secret = \"<redacted>\"", "admin-token = \"<redacted>\"")
                .contains("unset-token = null")
                // Empty is how the shipped defaults say "not set": shown, so an operator can tell.
                .contains("empty-password = \"\"")
                // A yes/no switch and the path of a file holding a secret are not secrets.
                .contains("require-token = true", "token-file = \"data/admin.token\"")
                .contains("password=<redacted>&ssl=true")
                .contains("user = \"root\"")
                .contains("secrets = \"<redacted>\"");
    }

    @Test
    void masksUserInfoInUrls() {
        assertThat(Secrets.maskEmbedded("\"https://bob:pa55@example.com/x\"")).isEqualTo("\"https://bob:<redacted>@example.com/x\"");
        assertThat(Secrets.maskEmbedded("\"https://example.com/x\"")).isEqualTo("\"https://example.com/x\"");
    }

    @Test
    void missingRoot() {
        assertThat(ConfigRenderer.render(new TestHome(dir).load().config(), "seqguard.nothing")).startsWith("# seqguard.nothing is not set");
    }
}
