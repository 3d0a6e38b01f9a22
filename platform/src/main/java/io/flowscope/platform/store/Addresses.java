package io.flowscope.platform.store;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Conversions between the stored address forms (IPv4 as an unsigned int, IPv6 as text) and text. */
public final class Addresses {

    private Addresses() {
    }

    /** IPv6 text in its compressed standard form (e.g. {@code ::1}). */
    public static String ipv6(long hi, long lo) {
        byte[] a = new byte[16];
        for (int i = 0; i < 8; i++) {
            a[i] = (byte) (hi >>> (56 - 8 * i));
            a[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        try {
            return compress(InetAddress.getByAddress(a).getHostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Dotted IPv4 text of an unsigned 32-bit value. */
    public static String ipv4(long v) {
        return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }

    /** Parses an IPv4 literal to its unsigned value, or -1 when it is not one. */
    public static long parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                return -1;
            }
            v = v << 8 | octet;
        }
        return v;
    }

    /** Normalises an IPv6 literal to the stored form, or null when it is not one. */
    public static String normaliseIpv6(String s) {
        if (!s.contains(":") || !s.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            return compress(InetAddress.getByName(s).getHostAddress());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Java prints full zero groups ({@code 0:0:0:0:0:0:0:1}); store the RFC 5952 form ({@code ::1}). */
    private static String compress(String full) {
        String[] g = full.split(":");
        if (g.length != 8) {
            return full;
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i].equals("0")) {
                int j = i;
                while (j < 8 && g[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String left = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
        String right = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, 8));
        return left + "::" + right;
    }
}
