package io.seqguard.spi;

/** What a plugin contributes, and so which configuration key selects it. */
public enum PluginKind {
    /** A {@link SequenceStore}; exactly one is selected, by {@code seqguard.storage}. */
    STORAGE("seqguard.storage"),
    /** A {@link Transport}; selected by the list {@code seqguard.transports}. */
    TRANSPORT("seqguard.transports"),
    /** An {@link ErrorSink}; selected by the list {@code seqguard.errors.sinks}. */
    SINK("seqguard.errors.sinks"),
    /** Any other {@link Managed} service (e.g. the purge scheduler); selected by the list {@code seqguard.services}. */
    SERVICE("seqguard.services");

    private final String selectionKey;

    PluginKind(String selectionKey) {
        this.selectionKey = selectionKey;
    }

    /** The configuration key that selects plugins of this kind. */
    public String selectionKey() {
        return selectionKey;
    }
}
