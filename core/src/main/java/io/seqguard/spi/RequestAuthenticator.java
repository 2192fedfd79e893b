package io.seqguard.spi;

/**
 * The step that authenticates a request before its sequence number is checked, so an
 * unauthenticated request can neither consume a number nor create error rows. The default lets
 * every request through; a plugin may bind a stricter one (e.g. signed requests) with
 * {@code OptionalBinder.newOptionalBinder(binder, RequestAuthenticator.class).setBinding()}.
 *
 * <p>Called concurrently; implementations must be thread safe and should not block.
 */
public interface RequestAuthenticator {
    /** Lets every request through. */
    RequestAuthenticator ALLOW_ALL = request -> { };

    /**
     * @param request never null
     * @throws AuthenticationException when the request must be refused; its message is returned to the client
     */
    void authenticate(AgentRequest request) throws AuthenticationException;
}
