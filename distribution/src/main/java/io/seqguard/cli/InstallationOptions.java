package io.seqguard.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the installation is and which application.conf to read; shared by every command that
 * reads the configuration. Not thread safe (picocli fills it in).
 */
public final class InstallationOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Another application.conf instead of <home>/conf/application.conf.")
    Path configFile;

    @Option(names = "--home", paramLabel = "DIR",
            description = "The installation folder (default: the one bin/seqguard is in, or the working directory).")
    Path home;

    /** The home: --home, else the launcher's {@code seqguard.home}, else the working directory; absolute. */
    public Path home() {
        Path chosen = home != null ? home : Path.of(System.getProperty("seqguard.home", "."));
        return chosen.toAbsolutePath().normalize();
    }

    /** The explicit application.conf, resolved against the working directory, or null. */
    public Path configFile() {
        return configFile == null ? null : configFile.toAbsolutePath().normalize();
    }
}
