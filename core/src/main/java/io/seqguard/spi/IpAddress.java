package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The textual IPv4 or IPv6 address a request came from, in one canonical form so that it can be
 * compared and searched for: IPv4 in dotted decimal, IPv6 as RFC 5952 recommends (lower case,
 * no leading zeros in a group, the longest run of two or more zero groups as {@code ::}:
 * {@code ::1}, {@code 2001:db8::1}), without a scope id; an IPv4-mapped IPv6 address as its
 * IPv4 address. Parsing accepts literals only and never performs a name lookup.
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
        // The SPI depends on the JDK only (STYLE.md), whose getHostAddress() writes IPv6 uncompressed.
        return new IpAddress(address instanceof Inet6Address ? rfc5952(address.getAddress()) : address.getHostAddress());
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
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** The 16 bytes as RFC 5952 section 4 writes them. */
    private static String rfc5952(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // The first longest run of two or more zero groups becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return value;
    }
}
