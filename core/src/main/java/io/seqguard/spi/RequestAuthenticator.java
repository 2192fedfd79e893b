package io.seqguard.spi;

/**
 * The step that authenticates a request before its sequence number is checked, so an
 * unauthenticated request can neither consume a number nor create error rows. The default lets
 * every request through; a plugin may bind a stricter one with
 * {@code OptionalBinder.newOptionalBinder(binder, RequestAuthenticator.class).setBinding()}.
 * It sees what {@link AgentRequest} carries — the agent's identity, its number, the content type
 * and the payload — not the transport's other headers: a signature must travel in the payload (or
 * be checked by a proxy in front).
 *
 * <p>Called concurrently; implementations must be thread safe and should not block. A failure
 * other than {@link AuthenticationException} (its backend is down, say) fails the check-in
 * without consuming the number: the HTTP transport answers 500 {@code internal-error}.
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
