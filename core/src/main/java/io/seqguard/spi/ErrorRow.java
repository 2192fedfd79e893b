package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

/**
 * A row of the error table {@code EPOAgentSequenceErrorLog}.
 *
 * @param autoId the row's unique, increasing key ({@code AutoID})
 * @param error what was recorded, never null
 */
public record ErrorRow(long autoId, SequenceError error) {
    public ErrorRow {
        requireNonNull(error, "error");
    }
}
