package io.seqguard.cli.simulate;

import io.seqguard.spi.AgentGuid;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Builds a fleet's GUIDs and every request they will send. Each fault is shaped so that it
 * produces at least one sequence error whatever the interleaving, which makes the comparison
 * with the server's suspects report meaningful. Stateless.
 */
public final class FleetPlan {
    private FleetPlan() {
    }

    public static List<SimulatedGuid> build(FleetSpec spec) {
        Random random = new Random(spec.seed());
        List<SimulatedGuid> fleet = new ArrayList<>();
        int n = spec.requestsPerGuid();
        for (int i = 1; i <= spec.honest(); i++) {
            SimulatedMachine machine = machine(random, String.format("sim-honest-%04d", i));
            long counter = start(random);
            List<PlannedRequest> plan = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                plan.add(new PlannedRequest(machine, ++counter));
            }
            fleet.add(new SimulatedGuid(guid(random), Fault.HONEST, List.of(machine), plan));
        }
        for (int i = 1; i <= spec.clonedImages(); i++) {
            List<SimulatedMachine> clones = new ArrayList<>();
            for (int c = 0; c < spec.clonesPerImage(); c++) {
                clones.add(machine(random, String.format("sim-clone-%03d-%c", i, (char) ('a' + c % 26)) + (c >= 26 ? c / 26 : "")));
            }
            // Every clone starts from the image's counter and keeps its own from then on.
            long[] counters = new long[clones.size()];
            java.util.Arrays.fill(counters, start(random));
            List<PlannedRequest> plan = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                // Each clone boots once first (the second one's first request is already stale), then they talk in random order.
                int c = k < clones.size() ? k : random.nextInt(clones.size());
                plan.add(new PlannedRequest(clones.get(c), ++counters[c]));
            }
            fleet.add(new SimulatedGuid(guid(random), Fault.CLONED_IMAGE, clones, plan));
        }
        for (int i = 1; i <= spec.snapshotRestores(); i++) {
            SimulatedMachine machine = machine(random, String.format("sim-snapshot-%03d", i));
            long counter = start(random);
            long snapshot = counter;
            List<PlannedRequest> plan = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                if (k == n / 4) {
                    snapshot = counter;
                }
                if (k == n / 2) {
                    counter = snapshot;
                }
                plan.add(new PlannedRequest(machine, ++counter));
            }
            fleet.add(new SimulatedGuid(guid(random), Fault.SNAPSHOT_RESTORE, List.of(machine), plan));
        }
        for (int i = 1; i <= spec.frozenMachines(); i++) {
            SimulatedMachine machine = machine(random, String.format("sim-frozen-%03d", i));
            long frozenAt = start(random);
            int boot = Math.max(2, n / 4);
            List<PlannedRequest> plan = new ArrayList<>();
            long counter = frozenAt;
            for (int k = 0; k < n; k++) {
                if (k % boot == 0) {
                    counter = frozenAt;
                }
                plan.add(new PlannedRequest(machine, ++counter));
            }
            fleet.add(new SimulatedGuid(guid(random), Fault.FROZEN_MACHINE, List.of(machine), plan));
        }
        return fleet;
    }

    private static long start(Random random) {
        return 1 + random.nextInt(10_000);
    }

    private static AgentGuid guid(Random random) {
        return AgentGuid.of(new UUID(random.nextLong(), random.nextLong()));
    }

    // A locally administered unicast MAC (second hex digit 2), so a simulated machine never looks like real hardware.
    private static SimulatedMachine machine(Random random, String name) {
        StringBuilder mac = new StringBuilder("02");
        for (int i = 0; i < 5; i++) {
            mac.append(String.format("%02X", random.nextInt(256)));
        }
        return new SimulatedMachine(name, mac.toString());
    }
}
