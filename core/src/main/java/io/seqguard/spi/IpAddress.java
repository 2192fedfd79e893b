package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;

/**
 * The textual IPv4 or IPv6 address a request came from, in one canonical form so that it can be
 * compared and searched for: IPv4 in dotted decimal, IPv6 as RFC 5952 recommends (lower case,
 * the longest run of zero groups as {@code ::}: {@code ::1}, {@code 2001:db8::1}), without a
 * scope id; an IPv4-mapped IPv6 address as its IPv4 address. Parsing accepts literals only and
 * never performs a name lookup.
 *
 * @param value the address in that form, never null
 */
public record IpAddress(String value) {
    /** Default field name used in parse errors. */
    public static final String FIELD = "ipAddress";

    private static final String RULE = "must be a literal IPv4 or IPv6 address";

    public IpAddress {
        requireNonNull(value, "value");
    }

    /** The address of {@code address}; an IPv6 scope id is dropped. */
    public static IpAddress of(InetAddress address) {
        String text = InetAddresses.toAddrString(address);
        int scope = text.indexOf('%');
        return new IpAddress(scope >= 0 ? text.substring(0, scope) : text);
    }

    /**
     * Parses an address literal, e.g. one element of {@code X-Forwarded-For}; IPv6 may be in
     * brackets. IPv4 with leading zeros ({@code 010.0.0.1}, octal to some parsers) is refused.
     *
     * @throws InvalidValueException naming {@code field} for anything but an IPv4 or IPv6 literal
     */
    public static IpAddress parse(String field, String text) {
        if (text == null || text.isEmpty() || text.length() > 47) {
            throw new InvalidValueException(field, RULE);
        }
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (t.indexOf('%') >= 0) {
            throw new InvalidValueException(field, RULE);
        }
        try {
            // Guava parses literals only: it never resolves a name.
            return of(InetAddresses.forString(t));
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(field, RULE);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
