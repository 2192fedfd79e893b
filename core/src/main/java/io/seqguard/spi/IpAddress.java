package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The textual IPv4 or IPv6 address a request came from. Parsing accepts literals only and never
 * performs a name lookup.
 *
 * @param value the address as {@link InetAddress#getHostAddress()} renders it, never null
 */
public record IpAddress(String value) {
    /** Default field name used in parse errors. */
    public static final String FIELD = "ipAddress";

    private static final String RULE = "must be a literal IPv4 or IPv6 address";

    public IpAddress {
        requireNonNull(value, "value");
    }

    /** The address of {@code address}; IPv6 scope ids are dropped. */
    public static IpAddress of(InetAddress address) {
        String text = address.getHostAddress();
        if (address instanceof Inet6Address) {
            int scope = text.indexOf('%');
            if (scope >= 0) {
                text = text.substring(0, scope);
            }
        }
        return new IpAddress(text);
    }

    /**
     * Parses an address literal, e.g. one element of {@code X-Forwarded-For}.
     *
     * @throws InvalidValueException naming {@code field} for anything but an IPv4 or IPv6 literal
     */
    public static IpAddress parse(String field, String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            throw new InvalidValueException(field, RULE);
        }
        String t = text;
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        boolean v6 = t.indexOf(':') >= 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean hexLetter = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            boolean ok = (c >= '0' && c <= '9') || c == '.' || (v6 && (c == ':' || hexLetter));
            if (!ok) {
                throw new InvalidValueException(field, RULE);
            }
        }
        if (!v6 && !isIpv4(t)) {
            throw new InvalidValueException(field, RULE);
        }
        try {
            // Only digits, dots, colons and hex letters reach here, so this never resolves a name.
            return of(InetAddress.getByName(t));
        } catch (UnknownHostException | RuntimeException e) {
            throw new InvalidValueException(field, RULE);
        }
    }

    private static boolean isIpv4(String t) {
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
