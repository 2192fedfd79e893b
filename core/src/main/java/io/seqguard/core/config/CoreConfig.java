package io.seqguard.core.config;

import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.util.List;

/** PLACEHOLDER until the config branch lands: the top of {@code seqguard}. */
public record CoreConfig(String storage, List<String> transports, List<String> services, Path pluginsDir, Path serverIni) {
    public static CoreConfig read(ConfigReader root) {
        ConfigReader r = root.at("seqguard");
        return new CoreConfig(r.string("storage"), r.stringList("transports"), r.stringList("services"), r.path("plugins.dir"),
                r.path("compat.server-ini"));
    }
}
