package io.seqguard.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import io.seqguard.spi.config.Secrets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Renders the effective configuration below a root as HOCON-like text, each value preceded by a
 * comment saying where it came from, for the CLI's {@code config} command and the start-up log.
 * Values of keys whose last segment contains {@code password}, {@code secret} or {@code token}
 * are shown as {@value Secrets#REDACTED} (an unset one as {@code null}); credentials inside URLs
 * are masked too.
 *
 * <p>Stateless and thread safe.
 */
public final class ConfigRenderer {
    private static final String INDENT = "  ";
    private static final ConfigRenderOptions CONCISE = ConfigRenderOptions.concise();

    private ConfigRenderer() {}

    /**
     * The text of {@code config} below {@code rootPath} (e.g. {@code seqguard}), keys sorted.
     *
     * @param config a resolved configuration, never null
     * @param rootPath a path expression, never null
     * @return the text, ending with a line break; a comment line when the root is not set
     */
    public static String render(Config config, String rootPath) {
        return render(config, rootPath, List.of());
    }

    /**
     * Like {@link #render(Config, String)}, also redacting the value of every key a problem showed
     * redacted: a misspelt secret ({@code pasword}, which only the check for unknown keys links to
     * {@code password}) is still a secret.
     *
     * @param problems what validating {@code config} found, never null
     */
    public static String render(Config config, String rootPath, List<ConfigProblem> problems) {
        Set<String> secret = problems.stream().filter(p -> ("\"" + Secrets.REDACTED + "\"").equals(p.value()))
                .map(ConfigProblem::key).collect(Collectors.toSet());
        StringBuilder out = new StringBuilder();
        if (!config.hasPathOrNull(rootPath)) {
            return out.append("# ").append(rootPath).append(" is not set").append(System.lineSeparator()).toString();
        }
        List<String> path = ConfigUtil.splitPath(rootPath);
        render(out, path.get(path.size() - 1), rootPath, config.getValue(rootPath), 0, secret);
        return out.toString();
    }

    private static void render(StringBuilder out, String name, String key, ConfigValue value, int depth, Set<String> secret) {
        String indent = INDENT.repeat(depth);
        String quotedName = name.matches("[A-Za-z0-9_-]+") ? name : ConfigUtil.quoteString(name);
        boolean sensitive = Secrets.sensitive(key) || secret.contains(key);
        if (value instanceof ConfigObject object && !object.isEmpty() && !sensitive) {
            out.append(indent).append(quotedName).append(" {").append(System.lineSeparator());
            for (String child : new TreeSet<>(object.keySet())) {
                render(out, child, key + "." + ConfigUtil.joinPath(child), object.get(child), depth + 1, secret);
            }
            out.append(indent).append('}').append(System.lineSeparator());
            return;
        }
        out.append(indent).append("# ").append(ConfigReader.describe(value.origin())).append(System.lineSeparator());
        out.append(indent).append(quotedName).append(" = ").append(text(sensitive, value)).append(System.lineSeparator());
    }

    private static String text(boolean sensitive, ConfigValue value) {
        if (value.valueType() == ConfigValueType.NULL) {
            return "null";
        }
        // A yes/no switch (require-token) says whether a secret is needed, not what it is; an empty
        // string (the shipped admin.token and jdbc.password) says that none is set, which an
        // operator needs to see.
        boolean unset = value.valueType() == ConfigValueType.STRING && ((String) value.unwrapped()).isEmpty();
        if (sensitive && value.valueType() != ConfigValueType.BOOLEAN && !unset) {
            return "\"" + Secrets.REDACTED + "\"";
        }
        return Secrets.maskEmbedded(value.render(CONCISE));
    }
}
