package io.seqguard.core.config;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import io.seqguard.spi.config.Secrets;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Merges the configuration sources of SPEC §6 into one effective configuration. Precedence,
 * lowest to highest: every {@code reference.conf}, application.conf (with the overrides from
 * code applied over it), the {@code [Server]} section of Server.ini, system properties under
 * {@code seqguard.}.
 *
 * <p>{@link #load(ConfigSources)} never throws for bad configuration: a missing explicit file,
 * a syntax error, a bad Server.ini value or a key under {@code seqguard} that no
 * {@code reference.conf} defines is collected into {@link LoadedConfig#problems()}, so that the
 * caller can report everything, together with the records' own problems, at once.
 *
 * <p>Stateless and thread safe.
 */
public final class ConfigLoader {
    /** The root every seqguard key lives under. */
    public static final String ROOT = "seqguard";

    static final String SERVER_INI_KEY = "seqguard.compat.server-ini";

    private static final String REFERENCE = "reference.conf";

    private ConfigLoader() {}

    /**
     * Loads the configuration described by {@code sources}.
     *
     * @throws NullPointerException if {@code sources} is null
     */
    public static LoadedConfig load(ConfigSources sources) {
        requireNonNull(sources, "sources");
        List<ConfigProblem> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();

        Config reference = references(sources.referenceLoaders(), problems);
        Config resolvedReference = resolveReference(reference, problems);
        Config application = overrides(sources.overrides(), problems).withFallback(applicationConf(sources, problems));
        Config system = systemProperties(sources.systemProperties(), problems);

        // Where Server.ini lives is itself configuration, taken from every other source.
        Optional<Config> withoutIni = resolve(system.withFallback(application).withFallback(reference), problems);
        if (withoutIni.isEmpty()) {
            return new LoadedConfig(resolvedReference, resolvedReference, sources.home(), problems, warnings);
        }
        Config ini = ConfigFactory.empty();
        Optional<Path> iniFile = serverIni(withoutIni.get(), sources.home());
        if (iniFile.isPresent()) {
            ServerIni serverIni = ServerIni.read(iniFile.get(), SERVER_INI_KEY);
            ini = serverIni.overrides();
            problems.addAll(serverIni.problems());
            serverIni.warning().ifPresent(warnings::add);
        }
        Config effective = resolve(system.withFallback(ini).withFallback(application).withFallback(reference), problems)
                .orElse(withoutIni.get());
        UnknownKeys.check(effective, resolvedReference, ROOT, problems);
        return new LoadedConfig(effective, resolvedReference, sources.home(), problems, warnings);
    }

    /** Every loader's reference.conf resources, each URL once; the first definition of a key wins. */
    private static Config references(List<ClassLoader> loaders, List<ConfigProblem> problems) {
        Set<String> urls = new LinkedHashSet<>();
        for (ClassLoader loader : loaders) {
            try {
                Enumeration<URL> resources = loader.getResources(REFERENCE);
                while (resources.hasMoreElements()) {
                    urls.add(resources.nextElement().toExternalForm());
                }
            } catch (IOException e) {
                problems.add(new ConfigProblem(REFERENCE, loader.toString(), null, "the class loader cannot list its reference.conf resources: " + e));
            }
        }
        Config merged = ConfigFactory.empty();
        for (String url : urls) {
            try {
                merged = merged.withFallback(ConfigFactory.parseURL(new URL(url), referenceOptions(url)));
            } catch (ConfigException e) {
                problems.add(syntaxProblem(REFERENCE, url, e));
            } catch (IOException e) {
                problems.add(new ConfigProblem(REFERENCE, url, null, "cannot be read: " + e));
            }
        }
        return merged;
    }

    /**
     * A jar's reference.conf would otherwise be described by its whole URL; the jar's name and
     * the line are what an operator needs.
     */
    private static ConfigParseOptions referenceOptions(String url) {
        ConfigParseOptions options = ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF);
        int bang = url.lastIndexOf("!/");
        if (url.startsWith("jar:") && bang > 0) {
            String jar = url.substring(0, bang);
            return options.setOriginDescription(jar.substring(jar.lastIndexOf('/') + 1) + url.substring(bang));
        }
        return options;
    }

    private static Config resolveReference(Config reference, List<ConfigProblem> problems) {
        try {
            return reference.resolve();
        } catch (ConfigException e) {
            problems.add(syntaxProblem(REFERENCE, "reference.conf", e));
            return reference.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
        }
    }

    private static Config applicationConf(ConfigSources sources, List<ConfigProblem> problems) {
        Path file = sources.applicationConf().orElse(sources.defaultApplicationConf());
        boolean explicit = sources.applicationConf().isPresent();
        if (!Files.exists(file)) {
            if (explicit) {
                problems.add(new ConfigProblem("application.conf", "named by --config, or SeqguardServer.Builder.configFile in code", file.toString(),
                        "the file does not exist; name an existing HOCON file, or none to read " + sources.defaultApplicationConf()
                                + " when it exists"));
            }
            return ConfigFactory.empty();
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            problems.add(new ConfigProblem("application.conf", file.toString(), file.toString(), "must be a readable file"));
            return ConfigFactory.empty();
        }
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(syntaxOf(file)));
        } catch (ConfigException e) {
            problems.add(syntaxProblem(file.getFileName().toString(), file.toString(), e));
            return ConfigFactory.empty();
        }
    }

    private static ConfigSyntax syntaxOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return ConfigSyntax.JSON;
        }
        return name.endsWith(".properties") ? ConfigSyntax.PROPERTIES : ConfigSyntax.CONF;
    }

    @SuppressWarnings("unchecked")
    private static Config overrides(List<Object> overrides, List<ConfigProblem> problems) {
        Config merged = ConfigFactory.empty();
        for (Object override : overrides) {
            if (override instanceof Config config) {
                merged = config.withFallback(merged);
                continue;
            }
            // Key by key, in the order given: a later key wins, a section and a key inside it may both be set,
            // and a bad value names its own key (never the others', which may be secrets).
            for (Map.Entry<String, ?> entry : ((Map<String, ?>) override).entrySet()) {
                try {
                    merged = merged.withValue(entry.getKey(), ConfigValueFactory.fromAnyRef(entry.getValue(), "overrides from code"));
                } catch (ConfigException e) {
                    problems.add(new ConfigProblem(entry.getKey(), "overrides from code", Secrets.display(entry.getKey(), String.valueOf(entry.getValue())),
                            "cannot be used as configuration: " + message(e)));
                }
            }
        }
        return merged;
    }

    /**
     * System properties become values one by one, each with its own origin, so that a bad value
     * names the exact property. A value written as a HOCON list ({@code [http, purge]}) is a list.
     */
    private static Config systemProperties(Map<String, String> properties, List<ConfigProblem> problems) {
        Config config = ConfigFactory.empty();
        for (Map.Entry<String, String> property : properties.entrySet()) {
            String name = property.getKey();
            String origin = "system property -D" + name;
            String[] segments = name.split("\\.", -1);
            if (List.of(segments).contains("")) {
                problems.add(new ConfigProblem(name, origin, "\"" + property.getValue() + "\"", "is not a valid key: it has an empty segment"));
                continue;
            }
            ConfigValue value = ConfigValueFactory.fromAnyRef(property.getValue(), origin);
            String text = property.getValue().strip();
            if (text.startsWith("[") && text.endsWith("]")) {
                try {
                    value = ConfigFactory.parseString("v = " + text).getValue("v").withOrigin(value.origin());
                } catch (ConfigException e) {
                    // Not a valid list: kept as text, and the record that reads it says what it wants.
                }
            }
            // Built level by level rather than with withValue, whose parent objects would have the
            // origin "withValue(...)": a problem reported on a section (an unknown key, a list
            // given as a section) then still names this property.
            ConfigValue nested = value;
            for (int i = segments.length - 1; i > 0; i--) {
                nested = ConfigValueFactory.fromMap(Map.of(segments[i], nested), origin);
            }
            config = config.withFallback(ConfigFactory.empty().withValue(ConfigUtil.joinPath(segments[0]), nested));
        }
        return config;
    }

    private static Optional<Config> resolve(Config config, List<ConfigProblem> problems) {
        try {
            return Optional.of(config.resolve());
        } catch (ConfigException e) {
            ConfigOrigin origin = e.origin();
            problems.add(new ConfigProblem("substitution", origin == null ? "unknown source" : ConfigReader.describe(origin), null,
                    "cannot be resolved: " + message(e)));
            return Optional.empty();
        }
    }

    private static Optional<Path> serverIni(Config config, Path home) {
        if (!config.hasPath(SERVER_INI_KEY) || config.getValue(SERVER_INI_KEY).valueType() != ConfigValueType.STRING) {
            return Optional.empty(); // a bad value is reported by CoreConfig
        }
        String value = config.getString(SERVER_INI_KEY);
        if (value.isBlank()) {
            return Optional.empty();
        }
        try {
            Path file = home.resolve(value).normalize();
            return Files.exists(file) ? Optional.of(file) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static ConfigProblem syntaxProblem(String key, String fallbackOrigin, ConfigException e) {
        ConfigOrigin origin = e.origin();
        return new ConfigProblem(key, origin == null ? fallbackOrigin : ConfigReader.describe(origin), null, "syntax error: " + message(e));
    }

    /** Typesafe Config puts the origin in front of its messages; ours carry it separately. */
    private static String message(ConfigException e) {
        String message = String.valueOf(e.getMessage());
        ConfigOrigin origin = e.origin();
        if (origin != null && message.startsWith(origin.description() + ": ")) {
            return message.substring(origin.description().length() + 2);
        }
        return message;
    }
}
