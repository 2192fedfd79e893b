package io.seqguard.cli;

import io.seqguard.core.config.ConfigLoader;
import io.seqguard.core.config.ConfigRenderer;
import io.seqguard.spi.config.ConfigException;
import io.seqguard.spi.config.ConfigProblem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code seqguard config}: checks the configuration exactly as start-up would, without starting
 * anything, and prints the effective values with where each came from. Secrets (passwords,
 * tokens) are redacted.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {
            "Validate the configuration and print the effective values, each with where it came from.",
            "Precedence, lowest first: every module's reference.conf, conf/application.conf (or --config),",
            "conf/Server.ini [Server], -Dseqguard.* system properties (JAVA_OPTS). Secrets are redacted.",
            "Exit code 1 when start-up would refuse the configuration."})
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    InstallationOptions installation = new InstallationOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path home = installation.home();
        ServerConfiguration configuration = ServerConfiguration.load(home, installation.configFile(), System.getProperties());
        List<ConfigProblem> problems = configuration.validate();

        Path applicationConf = installation.configFile() != null ? installation.configFile() : home.resolve("conf/application.conf");
        out.println("# seqguard " + Version.current() + ", home " + home);
        String missing = installation.configFile() != null ? " (not found: an error, named by --config)" : " (not found; defaults apply)";
        out.println("# application.conf: " + applicationConf + (Files.exists(applicationConf) ? "" : missing));
        if (!problems.isEmpty()) {
            // Still printed below, as it would be read, to help find the problem; start-up refuses it.
            out.println("# INVALID: " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + ", listed on stderr; start-up would refuse it");
        }
        out.print(ConfigRenderer.render(configuration.config(), ConfigLoader.ROOT, problems));
        out.flush();
        configuration.warnings().forEach(w -> err.println("warning: " + w));
        if (!problems.isEmpty()) {
            err.println(new ConfigException(problems).getMessage());
            return 1;
        }
        err.println("The configuration is valid.");
        return 0;
    }
}
