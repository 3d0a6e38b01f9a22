package io.flowscope.platform.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies with a size limit, refusing a declared oversize body before reading any of it. */
public final class RequestBodies {

    private RequestBodies() {
    }

    /** The whole body, at most {@code max} bytes; otherwise 413 naming {@code what}. */
    public static byte[] read(HttpServletRequest request, long max, String what) throws IOException {
        refuseDeclaredOversize(request, max, what);
        try (InputStream in = request.getInputStream()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (b.length > max) {
                throw tooLarge(what, max);
            }
            return b;
        }
    }

    /** 413 straight away when Content-Length already says the body is too large (nothing is read). */
    public static void refuseDeclaredOversize(HttpServletRequest request, long max, String what) {
        long declared = request.getContentLengthLong();
        if (declared > max) {
            throw tooLarge(what, max);
        }
    }

    public static ClientErrorException tooLarge(String what, long max) {
        return ClientErrorException.tooLarge(what + ": larger than the " + size(max) + " allowed");
    }

    static String size(long b) {
        if (b >= 1L << 30 && b % (1L << 30) == 0) {
            return (b >> 30) + " GiB";
        }
        if (b >= 1L << 20 && b % (1L << 20) == 0) {
            return (b >> 20) + " MiB";
        }
        if (b >= 1L << 10 && b % (1L << 10) == 0) {
            return (b >> 10) + " KiB";
        }
        return b + " bytes";
    }
}
