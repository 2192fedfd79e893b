package io.seqguard.storage.jdbc;

import io.seqguard.spi.AgentIdentity;
import java.time.LocalDateTime;

/**
 * A window-mode check-in on its way through the {@link StrictBatcher}: what {@link AgentStates}
 * needs to decide it on the row's locked state.
 *
 * @param agent the requesting agent
 * @param received the request's sequence number
 * @param window the window size, 1 or more
 * @param at the request time, UTC, millisecond precision
 * @param registration the row that registers the agent if its GUID is unknown; its random version
 *     tells afterwards whether this check-in inserted it
 */
record WindowCheckIn(AgentIdentity agent, long received, int window, LocalDateTime at, AgentRow registration) {
    /** The canonical GUID, as in every row. */
    String guid() {
        return registration.guid();
    }
}
