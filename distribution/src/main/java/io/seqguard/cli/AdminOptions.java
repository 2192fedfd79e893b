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

    @Option(names = "--admin-url", paramLabel = "URL", converter = AdminUrlConverter.class,
            description = "The admin API, e.g. http://127.0.0.1:8081 (default: from seqguard.http.admin.host/port).")
    java.net.URI adminUrl;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding the admin token (default: seqguard.http.admin.token, else seqguard.http.admin.token-file)."
                    + " The token is never taken from the command line, where other users could see it.")
    java.nio.file.Path tokenFile;

    /** A client for the admin API this configuration points at. */
    AdminClient client() {
        ServerConfiguration configuration = ServerConfiguration.load(installation.home(), installation.configFile(), System.getProperties());
        AdminEndpoint endpoint = AdminEndpoint.from(configuration.config(), configuration.home(), adminUrl, tokenFile);
        return new AdminClient(endpoint);
    }

    /** An http or https URL with a host, checked while the command line is parsed (a bad one is a usage error). */
    static final class AdminUrlConverter implements picocli.CommandLine.ITypeConverter<java.net.URI> {
        @Override
        public java.net.URI convert(String value) {
            String text = value.strip();
            while (text.endsWith("/")) {
                text = text.substring(0, text.length() - 1);
            }
            java.net.URI uri;
            try {
                uri = new java.net.URI(text);
            } catch (java.net.URISyntaxException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a URL: " + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not an http:// or https:// URL with a host, e.g. http://127.0.0.1:8081");
            }
            return uri;
        }
    }
}
