package io.seqguard.transport.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {
    @TempDir
    Path home;

    private HttpConfig config(String token) {
        return new HttpConfig("127.0.0.1", 0, 1024, "127.0.0.1", 0, token, home.resolve("data/sub/admin.token"), false, List.of(), 8, 200,
                Duration.ofSeconds(30), Duration.ofSeconds(1));
    }

    @Test
    void generatesA256BitTokenReadableByItsOwnerOnlyAndReusesIt() throws IOException {
        AdminToken first = AdminToken.load(config(null));
        Path file = home.resolve("data/sub/admin.token");

        String token = Files.readString(file).strip();
        assertThat(token).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.matches("Bearer " + token)).isTrue();

        AdminToken second = AdminToken.load(config(null));
        assertThat(Files.readString(file).strip()).isEqualTo(token);
        assertThat(second.matches("Bearer " + token)).isTrue();
    }

    @Test
    void aConfiguredTokenWritesNoFile() throws IOException {
        AdminToken token = AdminToken.load(config(TestServer.TOKEN));

        assertThat(token.matches("Bearer " + TestServer.TOKEN)).isTrue();
        assertThat(home.resolve("data")).doesNotExist();
    }

    @Test
    void anEmptyTokenFileIsRefused() throws IOException {
        Files.createDirectories(home.resolve("data/sub"));
        Files.writeString(home.resolve("data/sub/admin.token"), "\n");

        assertThatThrownBy(() -> AdminToken.load(config(null))).isInstanceOf(IOException.class).hasMessageContaining("empty");
    }

    @Test
    void onlyTheExactBearerTokenMatches() {
        AdminToken token = AdminToken.of("abcdefghijklmnop");

        assertThat(token.matches("Bearer abcdefghijklmnop")).isTrue();
        assertThat(token.matches("bearer abcdefghijklmnop")).isTrue();
        assertThat(token.matches("Bearer abcdefghijklmno")).isFalse();
        assertThat(token.matches("Bearer abcdefghijklmnopq")).isFalse();
        assertThat(token.matches("Basic abcdefghijklmnop")).isFalse();
        assertThat(token.matches("abcdefghijklmnop")).isFalse();
        assertThat(token.matches("Bearer ")).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.matches(null)).isFalse();
    }
}
