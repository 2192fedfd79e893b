package io.seqguard.core.bootstrap;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import io.seqguard.core.config.CoreConfig;
import io.seqguard.core.config.ErrorTableConfig;
import io.seqguard.core.config.SequenceConfig;
import io.seqguard.core.engine.TableSink;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.StoreCapability;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the configuration needs of the store, against what the store offers
 * ({@link SequenceStore#capabilities()}): a window, the {@code table} error sink, the
 * {@code purge} service. Checked before anything starts, so that a store plugin without window
 * mode makes start-up fail on {@code seqguard.sequence.window} rather than every check-in fail
 * with 503. Stateless.
 */
final class StoreCapabilities {
    private static final String TABLE_SINK = TableSink.ID;
    /** The purge scheduler's id; its module depends on core, not the other way round. */
    private static final String PURGE_SERVICE = "purge";

    private StoreCapabilities() {
    }

    static List<ConfigProblem> missing(SequenceStore store, Config config, CoreConfig core, SequenceConfig sequence, ErrorTableConfig errors) {
        Set<StoreCapability> offered = store.capabilities();
        String storage = "the storage plugin '" + core.storage() + "'";
        List<ConfigProblem> problems = new ArrayList<>();
        if (sequence.window() > 0 && !offered.contains(StoreCapability.WINDOW_MODE)) {
            problems.add(problem(config, "seqguard.sequence.window", "needs window mode, which " + storage + " does not offer; set 0 (strict)"));
        }
        if (errors.sinks().contains(TABLE_SINK) && !offered.contains(StoreCapability.ERROR_TABLE)) {
            problems.add(problem(config, "seqguard.errors.sinks", "names the '" + TABLE_SINK + "' sink, but " + storage
                    + " has no error table; leave it out"));
        }
        if (core.services().contains(PURGE_SERVICE) && !offered.contains(StoreCapability.PURGE)) {
            problems.add(problem(config, "seqguard.services", "names the '" + PURGE_SERVICE + "' service, but " + storage
                    + " cannot purge error rows; leave it out"));
        }
        return problems;
    }

    private static ConfigProblem problem(Config config, String key, String problem) {
        return new ConfigProblem(key, ConfigReader.describe(config.getValue(key).origin()),
                config.getValue(key).render(ConfigRenderOptions.concise()), problem);
    }
}
