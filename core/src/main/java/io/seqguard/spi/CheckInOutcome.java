package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

/**
 * What {@link SequenceGuard#checkIn} decided.
 *
 * @param status the decision, never null
 * @param response the handler's response when {@link Status#ACCEPTED}, else null
 * @param error the sequence error when the number was stale (also in audit mode, where the
 *     request is still {@link Status#ACCEPTED}), else null
 * @param detail a human-readable explanation for a refusal (for {@link Status#STALE} the
 *     server.log message), else null
 * @param challenge for {@link Status#UNAUTHENTICATED}, the {@code WWW-Authenticate} challenge to
 *     answer with: the authenticator's; null becomes {@link AuthenticationException#DEFAULT_CHALLENGE}.
 *     Else null
 */
public record CheckInOutcome(Status status, AgentResponse response, SequenceError error, String detail, String challenge) {
    /** The decision. */
    public enum Status {
        /** Sequence accepted (or tolerated in audit mode) and the handler answered. */
        ACCEPTED,
        /** Stale sequence, enforced: rejected before the handler. */
        STALE,
        /** Refused by the {@link RequestAuthenticator} before the sequence check. */
        UNAUTHENTICATED
    }

    public CheckInOutcome {
        requireNonNull(status, "status");
        if (status == Status.ACCEPTED) {
            requireNonNull(response, "response");
        }
        if (status == Status.UNAUTHENTICATED && challenge == null) {
            challenge = AuthenticationException.DEFAULT_CHALLENGE;
        }
    }

    /** An outcome without a challenge: anything but {@link Status#UNAUTHENTICATED}. */
    public CheckInOutcome(Status status, AgentResponse response, SequenceError error, String detail) {
        this(status, response, error, detail, null);
    }
}
