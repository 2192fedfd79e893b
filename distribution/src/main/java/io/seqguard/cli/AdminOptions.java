package io.seqguard.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options of the commands that talk to a running server's admin API. By default the URL and the
 * token come from the same configuration the server reads ({@code seqguard.http.admin.*}, and
 * the generated token file). Not thread safe (picocli fills it in).
 */
public final class AdminOptions {
    @Mixin
    InstallationOptions installation = new InstallationOptions();

    @Option(names = "--admin-url", paramLabel = "URL",
            description = "The admin API, e.g. http://127.0.0.1:8081 (default: from seqguard.http.admin.host/port).")
    String adminUrl;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding the admin token (default: seqguard.http.admin.token, else seqguard.http.admin.token-file)."
                    + " The token is never taken from the command line, where other users could see it.")
    java.nio.file.Path tokenFile;

    @Option(names = "--json", description = "Print the server's JSON instead of a table.")
    boolean json;

    /** A client for the admin API this configuration points at. */
    AdminClient client() {
        ServerConfiguration configuration = ServerConfiguration.load(installation.home(), installation.configFile(), System.getProperties());
        AdminEndpoint endpoint = AdminEndpoint.from(configuration.config(), configuration.home(), adminUrl, tokenFile);
        return new AdminClient(endpoint);
    }
}
