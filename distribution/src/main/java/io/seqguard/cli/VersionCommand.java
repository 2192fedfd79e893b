package io.seqguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code seqguard version}: the seqguard and Java versions. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the seqguard and Java versions.")
final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println("seqguard " + Version.current());
        spec.commandLine().getOut().println("Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.home") + ")");
        return 0;
    }
}
