package io.seqguard.cli.simulate;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.SequenceCheck;
import io.seqguard.spi.SequenceState;
import java.util.List;

/**
 * One agent GUID of the fleet with its planned requests, sent strictly one after another (the
 * next only once the previous was answered), and a model of what the server stores for it. The
 * model uses the SPI's own {@link SequenceCheck}, so the simulator predicts every answer exactly,
 * in strict and in window mode, whatever the interleaving with other GUIDs.
 *
 * <p>Not thread safe: the fleet hands one GUID to one worker at a time.
 */
public final class SimulatedGuid {
    private final AgentGuid guid;
    private final Fault fault;
    private final List<PlannedRequest> plan;
    private final List<SimulatedMachine> machines;
    private SequenceState model;
    private int next;
    private long rejections;

    public SimulatedGuid(AgentGuid guid, Fault fault, List<SimulatedMachine> machines, List<PlannedRequest> plan) {
        this.guid = requireNonNull(guid, "guid");
        this.fault = requireNonNull(fault, "fault");
        this.machines = List.copyOf(machines);
        this.plan = List.copyOf(plan);
    }

    public AgentGuid guid() {
        return guid;
    }

    public Fault fault() {
        return fault;
    }

    public List<SimulatedMachine> machines() {
        return machines;
    }

    public List<PlannedRequest> plan() {
        return plan;
    }

    boolean hasNext() {
        return next < plan.size();
    }

    PlannedRequest peek() {
        return plan.get(next);
    }

    /**
     * Whether the server should accept {@code sequence} (strict or window mode), and moves the
     * model on as the server would, then steps to the next planned request.
     */
    boolean predictAndAdvance(long sequence, int window) {
        next++;
        if (model == null) {
            model = SequenceCheck.register(sequence, window);
            return true;
        }
        SequenceState advanced = SequenceCheck.advance(model, sequence, window);
        if (advanced == null) {
            return false;
        }
        model = advanced;
        return true;
    }

    void rejected() {
        rejections++;
    }

    /** Requests of this GUID the server rejected (409). */
    public long rejections() {
        return rejections;
    }
}
