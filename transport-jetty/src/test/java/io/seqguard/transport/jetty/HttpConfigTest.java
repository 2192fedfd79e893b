package io.seqguard.transport.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.seqguard.spi.IpAddress;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpConfigTest {
    private static final Path HOME = Path.of("/opt/seqguard");

    private static ConfigReader reader(Map<String, ?> overrides) {
        return ConfigReader.of(ConfigFactory.parseMap(overrides, "test").withFallback(ConfigFactory.defaultReference()).resolve(), HOME);
    }

    @Test
    void defaultsAreThoseOfReferenceConf() {
        ConfigReader reader = reader(Map.of());
        HttpConfig config = HttpConfig.read(reader);
        reader.throwIfProblems();

        assertThat(config).isEqualTo(new HttpConfig("0.0.0.0", 8080, 1024 * 1024, "127.0.0.1", 8081, null,
                HOME.resolve("data/admin.token"), false, List.of(), 8, 200, Duration.ofSeconds(30), Duration.ofSeconds(10)));
    }

    @Test
    void everyKeyMaps() {
        ConfigReader reader = reader(Map.ofEntries(
                Map.entry("seqguard.http.agent.host", "10.1.2.3"),
                Map.entry("seqguard.http.agent.port", 9090),
                Map.entry("seqguard.http.agent.max-body", "64KiB"),
                Map.entry("seqguard.http.admin.host", "::1"),
                Map.entry("seqguard.http.admin.port", 9091),
                Map.entry("seqguard.http.admin.token", "0123456789abcdef0123"),
                Map.entry("seqguard.http.admin.token-file", "/var/lib/seqguard/token"),
                Map.entry("seqguard.http.metrics.require-token", true),
                Map.entry("seqguard.http.trusted-proxies", List.of("10.0.0.1", "::1")),
                Map.entry("seqguard.http.threads.min", 4),
                Map.entry("seqguard.http.threads.max", 64),
                Map.entry("seqguard.http.idle-timeout", "5s"),
                Map.entry("seqguard.http.shutdown-grace", "0s")));
        HttpConfig config = HttpConfig.read(reader);
        reader.throwIfProblems();

        assertThat(config).isEqualTo(new HttpConfig("10.1.2.3", 9090, 64 * 1024, "::1", 9091, "0123456789abcdef0123",
                Path.of("/var/lib/seqguard/token"), true, List.of(IpAddress.parse("p", "10.0.0.1"), IpAddress.parse("p", "::1")), 4, 64,
                Duration.ofSeconds(5), Duration.ZERO));
        assertThat(config.toString()).doesNotContain("0123456789abcdef0123");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "agent.port         | 70000           | seqguard.http.agent.port",
        "agent.port         | -1              | seqguard.http.agent.port",
        "agent.port         | http            | seqguard.http.agent.port",
        "agent.max-body     | 1GiB            | seqguard.http.agent.max-body",
        "agent.max-body     | lots            | seqguard.http.agent.max-body",
        "agent.host         | ''              | seqguard.http.agent.host",
        "admin.host         | bad..name       | seqguard.http.admin.host",
        "admin.port         | 8080            | seqguard.http.admin.port",
        "admin.token        | short           | seqguard.http.admin.token",
        "admin.token        | 'has a space in it ok' | seqguard.http.admin.token",
        "metrics.require-token | perhaps      | seqguard.http.metrics.require-token",
        "threads.max        | 4               | seqguard.http.threads.max",
        "threads.min        | 500             | seqguard.http.threads.min",
        "idle-timeout       | 0s              | seqguard.http.idle-timeout",
        "shutdown-grace     | 1h              | seqguard.http.shutdown-grace",
    })
    void invalidValuesNameTheAbsoluteKey(String key, String value, String absolute) {
        ConfigReader reader = reader(Map.of("seqguard.http." + key, value));
        HttpConfig.read(reader);

        assertThat(reader.problems()).extracting(ConfigProblem::key).containsExactly(absolute);
        assertThat(reader.problems().get(0).origin()).isNotBlank();
    }

    @Test
    void anEmptyTokenFileIsAProblemBeforeAnythingStarts(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("admin.token"), "\n");
        ConfigReader reader = reader(Map.of("seqguard.http.admin.token-file", empty.toString()));
        HttpConfig.read(reader);
        assertThat(reader.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo("seqguard.http.admin.token-file");
            assertThat(problem.problem()).startsWith("names an empty file");
        });

        Files.writeString(empty, "0123456789abcdef0123456789abcdef\n");
        ConfigReader fine = reader(Map.of("seqguard.http.admin.token-file", empty.toString()));
        HttpConfig.read(fine);
        assertThat(fine.problems()).isEmpty();
    }

    @Test
    void aBadTokenIsNeverEchoed() {
        ConfigReader reader = reader(Map.of("seqguard.http.admin.token", "secret-ish"));
        HttpConfig.read(reader);

        assertThat(reader.problems()).singleElement().satisfies(p -> {
            assertThat(p.describe()).doesNotContain("secret-ish").contains("seqguard.http.admin.token");
        });
    }

    @Test
    void trustedProxiesMustBeAddressLiterals() {
        ConfigReader reader = reader(Map.of("seqguard.http.trusted-proxies", List.of("10.0.0.1", "proxy.example.com", "10.0.0.0/8")));
        HttpConfig.read(reader);

        assertThat(reader.problems()).hasSize(2).allSatisfy(p -> assertThat(p.key()).isEqualTo("seqguard.http.trusted-proxies"));
        assertThat(reader.problems().get(0).problem()).contains("proxy.example.com");
    }
}
