package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A request was refused by the {@link RequestAuthenticator}; the message is safe to show the client.
 * The HTTP transport answers 401 with a {@code WWW-Authenticate} challenge (RFC 9110 asks one of
 * every 401): the authenticator's own, e.g. {@code Signature realm="fleet"}, or, without one,
 * {@value #DEFAULT_CHALLENGE}.
 */
public final class AuthenticationException extends Exception {
    /** The challenge sent when the authenticator names none. */
    public static final String DEFAULT_CHALLENGE = "Agent realm=\"seqguard\"";

    private static final long serialVersionUID = 1L;

    private final String challenge;

    public AuthenticationException(String message) {
        super(message);
        this.challenge = null;
    }

    /**
     * @param challenge the {@code WWW-Authenticate} value, a scheme and its parameters, e.g.
     *     {@code Signature realm="fleet", error="expired"}
     */
    public AuthenticationException(String message, String challenge) {
        super(message);
        this.challenge = requireNonNull(challenge, "challenge");
        if (challenge.isBlank() || challenge.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("a challenge is a scheme and its parameters, on one line: " + challenge);
        }
    }

    /** The authenticator's challenge, when it gave one. */
    public Optional<String> challenge() {
        return Optional.ofNullable(challenge);
    }
}
