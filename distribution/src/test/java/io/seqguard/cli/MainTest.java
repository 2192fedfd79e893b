package io.seqguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class MainTest {
    @TempDir
    Path home;

    @Test
    void noCommandIsAUsageError() {
        CliRun run = CliRun.of();
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains("a command is required").contains("--help");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void unknownCommandIsAUsageErrorWithASuggestion() {
        CliRun run = CliRun.of("suspect");
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains("suspect").contains("suspects");
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun run = CliRun.of("errors", "--no-such-option");
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains("--no-such-option");
    }

    @Test
    void topLevelHelpListsEveryCommand() {
        CliRun run = CliRun.of("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("run", "config", "errors", "agents", "suspects", "purge", "simulate", "version", "Exit codes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "config", "errors", "agents", "suspects", "purge", "simulate", "version"})
    void everyCommandHasHelp(String command) {
        CliRun run = CliRun.of(command, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: seqguard " + command);
    }

    @Test
    void everyCommandsSummaryInTheListIsAWholeSentence() {
        // The list shows the header's first line, else the description's: it must not stop mid-sentence.
        CommandLine cli = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        cli.getSubcommands().forEach((name, sub) -> {
            String[] header = sub.getCommandSpec().usageMessage().header();
            String summary = header.length > 0 ? header[0] : sub.getCommandSpec().usageMessage().description()[0];
            assertThat(summary).as(name).endsWith(".");
        });
    }

    @Test
    void agentsSubcommandsHaveHelp() {
        assertThat(CliRun.of("agents", "show", "--help").exitCode()).isZero();
        assertThat(CliRun.of("agents", "reset", "--help").exitCode()).isZero();
        assertThat(CliRun.of("agents").exitCode()).isEqualTo(Main.USAGE);
    }

    @Test
    void versionPrintsTheBuiltVersion() {
        CliRun run = CliRun.of("version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("seqguard ").contains("Java ").doesNotContain("unknown");
    }

    @Test
    void aBadGuidIsAUsageErrorNamingTheRule() {
        CliRun run = CliRun.of("agents", "reset", "not-a-guid", "--home", home.toString());
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains("GUID").contains("UUID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--since=garbage", "--until=99999999999999999999d", "--since=999999999999d", "--admin-url=notaurl",
            "--admin-url=ftp://host:21", "--admin-url=http://", "--limit=0"})
    void aBadOptionValueIsAUsageErrorNamingTheOption(String option) {
        CliRun run = CliRun.of("errors", "--home", home.toString(), option);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains(option.substring(0, option.indexOf('='))).doesNotContain("unexpected failure").doesNotContain("\tat ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"suspects --hours=0", "suspects --hours=8785", "suspects --limit=0", "suspects --limit=10001",
            "errors --limit=10001", "errors --until=2024-03-01T00:00:00Z --since=2024-03-02T00:00:00Z"})
    void aValueTheAdminApiWouldRefuseIsAUsageErrorBeforeAnyRequest(String arguments) {
        // No token and no server here: a usage error must come first, or these would fail with 1.
        List<String> args = new ArrayList<>(List.of(arguments.split(" ")));
        args.addAll(List.of("--home", home.toString()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        String option = arguments.substring(arguments.lastIndexOf(' ') + 1, arguments.indexOf('=', arguments.lastIndexOf(' ')));
        assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains(option).doesNotContain("no admin token").doesNotContain("\tat ");
    }

    @Test
    void adminCommandWithoutAToken() {
        CliRun run = CliRun.of("errors", "--home", home.toString());
        assertThat(run.exitCode()).isEqualTo(Main.FAILURE);
        assertThat(run.err()).contains("no admin token").contains("admin.token");
    }

    @Test
    void adminCommandWithoutAServer() throws IOException {
        Files.createDirectories(home.resolve("data"));
        Files.writeString(home.resolve("data/admin.token"), "0123456789abcdef0123456789abcdef\n");
        // Port 1 on loopback: nothing listens there, and connecting is refused at once.
        CliRun run = CliRun.of("suspects", "--home", home.toString(), "--admin-url", "http://127.0.0.1:1");
        assertThat(run.exitCode()).isEqualTo(Main.FAILURE);
        assertThat(run.err()).contains("cannot reach the admin API at http://127.0.0.1:1").contains("Is the server running");
    }

    @Test
    void configPrintsTheEffectiveValuesAndRedactsSecrets() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/application.conf"), "seqguard.storage = memory\nseqguard.jdbc.password = hunter2-secret\n");
        CliRun run = CliRun.of("config", "--home", home.toString());
        assertThat(run.err()).doesNotContain("hunter2");
        assertThat(run.out()).contains("storage = \"memory\"").contains("conf/application.conf").doesNotContain("hunter2");
    }

    @Test
    void configRedactsTheValueOfAMisspeltSecretKeyToo() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/application.conf"), "seqguard.storage = memory\nseqguard.jdbc.pasword = typo-secret-12345\n");
        CliRun run = CliRun.of("config", "--home", home.toString());
        assertThat(run.exitCode()).isEqualTo(Main.FAILURE);
        assertThat(run.err()).contains("seqguard.jdbc.pasword").contains("did you mean seqguard.jdbc.password").doesNotContain("typo-secret");
        assertThat(run.out()).contains("pasword = \"<redacted>\"").doesNotContain("typo-secret");
    }

    @Test
    void configNamesTheKeyOfABadValueAndExitsOne() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/application.conf"), "seqguard.storage = memory\nseqguard.sequence.window = lots\n");
        CliRun run = CliRun.of("config", "--home", home.toString());
        assertThat(run.exitCode()).isEqualTo(Main.FAILURE);
        assertThat(run.err()).contains("Invalid configuration").contains("1) seqguard.sequence.window").contains("lots");
        assertThat(run.out()).contains("# INVALID: 1 problem, listed on stderr");
    }

    @Test
    void aBadValueForAPluginThatIsNotSelectedIsAWarning() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/application.conf"), "seqguard.jdbc.pool-size = abc\n");
        CliRun run = CliRun.of("config", "--home", home.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("warning: seqguard.jdbc.pool-size = ").contains("application.conf")
                .contains("not used now: the storage plugin 'jdbc' is not selected").contains("The configuration is valid.");

        Files.writeString(home.resolve("conf/application.conf"), "seqguard.storage = jdbc\nseqguard.jdbc.pool-size = abc\n");
        CliRun selected = CliRun.of("config", "--home", home.toString());
        assertThat(selected.exitCode()).as("selected, the same value is an error").isEqualTo(Main.FAILURE);
        assertThat(selected.err()).contains("seqguard.jdbc.pool-size");
    }

    @Test
    void configWithAMissingNamedFileSaysItIsAnError() {
        CliRun run = CliRun.of("config", "--home", home.toString(), "--config", home.resolve("nowhere.conf").toString());
        assertThat(run.exitCode()).isEqualTo(Main.FAILURE);
        assertThat(run.out()).contains("nowhere.conf (not found: an error, named by --config)").doesNotContain("defaults apply");
        assertThat(run.err()).contains("the file does not exist");
    }

    @Test
    void configWithoutApplicationConfUsesTheDefaults() {
        CliRun run = CliRun.of("config", "--home", home.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("application.conf (not found; defaults apply)").doesNotContain("INVALID");
        assertThat(run.err()).contains("The configuration is valid.").as("no plugin's defaults warn").doesNotContain("warning:");
    }

    @Test
    void simulateHasNoJsonOutputAndSaysSo() {
        CliRun run = CliRun.of("simulate", "--home", home.toString(), "--json");
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains("Unknown option: '--json'");
        assertThat(CliRun.of("simulate", "--help").out()).doesNotContain("--json");
        assertThat(CliRun.of("suspects", "--help").out()).contains("--json");
    }

    @Test
    void anEmptyGuidIsCalledEmpty() {
        CliRun run = CliRun.of("errors", "--home", home.toString(), "--guid", "");
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains("--guid: is empty");
    }

    @Test
    void simulateRefusesARemoteServerByDefault() {
        CliRun run = CliRun.of("simulate", "--home", home.toString(), "--agent-url", "http://192.0.2.1:8080/agent/v1/requests");
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains("--allow-remote");
    }

    @Test
    void simulateRejectsAMalformedAgentUrlAsAUsageError() {
        CliRun run = CliRun.of("simulate", "--home", home.toString(), "--agent-url", "http://127.0.0.1:8080/a b");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains("--agent-url must be an http(s) URL").doesNotContain("unexpected failure").doesNotContain("\tat ");
    }

    @Test
    void simulateRejectsTooFewRequests() {
        CliRun run = CliRun.of("simulate", "--home", home.toString(), "--requests", "2");
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains("at least 4 requests");
    }
}
