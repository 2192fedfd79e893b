package io.seqguard.core.config;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The plugin selection and the core's paths: {@code seqguard.storage}, {@code .transports},
 * {@code .services}, {@code .plugins.dir} and {@code .compat.server-ini}.
 *
 * <p>Immutable and thread safe; no component is null.
 *
 * @param storage the id of the storage plugin
 * @param transports the ids of the transport plugins to start, distinct, possibly empty
 * @param services the ids of the other service plugins to start, distinct, possibly empty
 * @param pluginsDir the folder of extra plugins, absolute
 * @param serverIni the Server.ini that is imported when it exists, absolute; empty when the import
 *     is switched off ({@code server-ini = ""} or {@code null})
 */
public record CoreConfig(String storage, List<String> transports, List<String> services, Path pluginsDir, Optional<Path> serverIni) {
    public CoreConfig {
        requireNonNull(storage, "storage");
        transports = List.copyOf(transports);
        services = List.copyOf(services);
        requireNonNull(pluginsDir, "pluginsDir");
        requireNonNull(serverIni, "serverIni");
    }

    /** Reads {@code seqguard.*}; problems go to {@code root}, which reads from the top. */
    public static CoreConfig read(ConfigReader root) {
        ConfigReader reader = root.at(ConfigLoader.ROOT);
        return new CoreConfig(
                PluginIds.id(reader, "storage"),
                PluginIds.ids(reader, "transports"),
                PluginIds.ids(reader, "services"),
                reader.path("plugins.dir"),
                reader.optionalString("compat.server-ini").map(ignored -> reader.path("compat.server-ini")));
    }
}
