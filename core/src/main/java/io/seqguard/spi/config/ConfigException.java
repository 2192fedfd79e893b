package io.seqguard.spi.config;

import java.util.List;

/**
 * Start-up was refused because the configuration has problems. The message lists every problem
 * as one numbered block, so an operator fixes them all in one go.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, in the order they were found; never empty. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        StringBuilder out = new StringBuilder("Invalid configuration (")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append("):");
        for (int i = 0; i < problems.size(); i++) {
            out.append(System.lineSeparator()).append("  ").append(i + 1).append(") ").append(problems.get(i).describe());
        }
        return out.toString();
    }
}
