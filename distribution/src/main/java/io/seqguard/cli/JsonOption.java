package io.seqguard.cli;

import picocli.CommandLine.Option;

/** {@code --json}, for the admin commands that print what the API answered; not for {@code simulate}, whose report is for people. */
final class JsonOption {
    @Option(names = "--json", description = "Print the server's JSON instead of a table.")
    boolean json;
}
