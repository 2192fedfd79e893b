package io.seqguard.spi;

/**
 * A part of {@link SequenceStore} a backend may lack; strict check-and-advance and
 * {@link SequenceStore#isReachable()} are not optional. A store names what it offers in
 * {@link SequenceStore#capabilities()}, and start-up refuses a configuration that needs more,
 * naming the key (a window, the {@code table} error sink, the {@code purge} service), instead of
 * failing every request that would use it.
 */
public enum StoreCapability {
    /** {@link SequenceStore#checkAndAdvance} with a window greater than 0 ({@code seqguard.sequence.window}). */
    WINDOW_MODE,
    /** {@link SequenceStore#reset}. */
    RESET,
    /** {@link SequenceStore#agentInfo}. */
    AGENT_INFO,
    /** {@link SequenceStore#recordError}: the error table, the {@code table} error sink. */
    ERROR_TABLE,
    /** {@link SequenceStore#purgeErrorsBefore}: the {@code purge} service. */
    PURGE,
    /** {@link SequenceStore#findErrors}. */
    ERROR_QUERY,
    /** {@link SequenceStore#findSuspects}. */
    SUSPECTS
}
