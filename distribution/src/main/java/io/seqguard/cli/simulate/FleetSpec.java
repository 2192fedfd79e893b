package io.seqguard.cli.simulate;

/**
 * The shape of a simulated fleet.
 *
 * @param honest GUIDs on one honest machine each
 * @param clonedImages GUIDs shared by several cloned machines
 * @param clonesPerImage machines per cloned image, at least 2
 * @param snapshotRestores GUIDs of machines restored from a snapshot once
 * @param frozenMachines GUIDs of machines whose counter is reset on every boot
 * @param requestsPerGuid requests each GUID sends, at least {@link #MIN_REQUESTS}
 * @param seed makes GUIDs, machines and the order of clones' requests repeatable
 */
public record FleetSpec(int honest, int clonedImages, int clonesPerImage, int snapshotRestores, int frozenMachines, int requestsPerGuid,
        long seed) {
    /** The fewest requests per GUID with which every fault produces at least one sequence error. */
    public static final int MIN_REQUESTS = 4;

    public FleetSpec {
        if (honest < 0 || clonedImages < 0 || snapshotRestores < 0 || frozenMachines < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
        if (clonesPerImage < 2) {
            throw new IllegalArgumentException("a cloned image needs at least 2 machines, not " + clonesPerImage);
        }
        if (requestsPerGuid < MIN_REQUESTS) {
            throw new IllegalArgumentException("each GUID needs at least " + MIN_REQUESTS + " requests, not " + requestsPerGuid);
        }
        if (honest + clonedImages + snapshotRestores + frozenMachines == 0) {
            throw new IllegalArgumentException("the fleet is empty");
        }
    }

    /** GUIDs in the fleet. */
    public int guids() {
        return honest + clonedImages + snapshotRestores + frozenMachines;
    }

    /** Requests the whole fleet sends. */
    public long totalRequests() {
        return (long) guids() * requestsPerGuid;
    }
}
