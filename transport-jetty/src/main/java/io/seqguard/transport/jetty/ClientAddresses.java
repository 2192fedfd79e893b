package io.seqguard.transport.jetty;

import io.seqguard.spi.InvalidValueException;
import io.seqguard.spi.IpAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Works out the client address of a request (SPEC §2): the connection's peer, or, only when that
 * peer is a configured trusted proxy, the right-most {@code X-Forwarded-For} entry that is not a
 * trusted proxy itself. Entries left of it were written by the client and prove nothing, so they
 * are never used. A malformed entry ends the walk at the last address a trusted proxy vouched for.
 *
 * <p>Immutable and thread safe.
 */
final class ClientAddresses {
    private static final String HEADER = HttpHeader.X_FORWARDED_FOR.asString();

    private final Set<String> trusted;

    /** @param trustedProxies peers whose X-Forwarded-For is believed; may be empty, never null */
    ClientAddresses(List<IpAddress> trustedProxies) {
        Set<String> set = new HashSet<>();
        for (IpAddress proxy : trustedProxies) {
            set.add(proxy.value());
        }
        this.trusted = Set.copyOf(set);
    }

    /** The client address of {@code request}, or null when the transport has none (not a socket). */
    IpAddress resolve(Request request) {
        IpAddress peer = peer(request.getConnectionMetaData().getRemoteSocketAddress());
        if (peer == null || trusted.isEmpty() || !trusted.contains(peer.value())) {
            return peer;
        }
        List<String> hops = hops(request);
        IpAddress vouched = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            IpAddress hop;
            try {
                hop = IpAddress.parse(HEADER, hops.get(i));
            } catch (InvalidValueException e) {
                return vouched;
            }
            if (!trusted.contains(hop.value())) {
                return hop;
            }
            vouched = hop;
        }
        return vouched;
    }

    private static IpAddress peer(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return IpAddress.of(inet.getAddress());
        }
        return null;
    }

    // All X-Forwarded-For entries in order, across repeated headers, as proxies append them.
    private static List<String> hops(Request request) {
        List<String> hops = new ArrayList<>(4);
        for (HttpField field : request.getHeaders()) {
            if (field.getHeader() == HttpHeader.X_FORWARDED_FOR) {
                for (String entry : field.getValue().split(",")) {
                    hops.add(entry.trim());
                }
            }
        }
        return hops;
    }
}
