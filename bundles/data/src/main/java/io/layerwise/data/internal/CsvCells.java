package io.layerwise.data.internal;

import java.nio.charset.StandardCharsets;

/** Decoding one CSV cell's bytes: as a float (the fast exact path), as text, or as blank. */
final class CsvCells {
    private static final float[] POWERS_OF_TEN = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

    private CsvCells() {
    }

    /**
     * The float a decimal cell denotes, or NaN when it is not a plain decimal this method reads exactly: an optional
     * sign, digits with an optional point, an optional exponent, spaces around. Exact because the significand is below
     * 2^24 and the power of ten at most 10^10, both exact floats, so the one multiplication or division rounds once,
     * as parsing does; anything else (more digits, quotes, NaN, Infinity) returns NaN for the careful path.
     */
    static float parse(byte[] b, int from, int to) {
        int i = from;
        while (i < to && b[i] == ' ') {
            i++;
        }
        while (to > i && b[to - 1] == ' ') {
            to--;
        }
        if (i == to) {
            return Float.NaN;
        }
        boolean negative = b[i] == '-';
        if (negative || b[i] == '+') {
            i++;
        }
        long m = 0;
        int exponent = 0;
        int digits = 0;
        boolean point = false;
        for (; i < to; i++) {
            int c = b[i];
            if (c >= '0' && c <= '9') {
                if (m >= 1L << 24) {
                    return Float.NaN;
                }
                m = m * 10 + (c - '0');
                digits++;
                if (point) {
                    exponent--;
                }
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return Float.NaN;
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            boolean negativeExponent = i < to && b[i] == '-';
            if (i < to && (b[i] == '-' || b[i] == '+')) {
                i++;
            }
            int e = 0;
            int start = i;
            for (; i < to && b[i] >= '0' && b[i] <= '9' && e < 1000; i++) {
                e = e * 10 + (b[i] - '0');
            }
            if (i == start) {
                return Float.NaN;
            }
            exponent += negativeExponent ? -e : e;
        }
        if (i != to || m >= 1L << 24 || exponent < -10 || exponent > 10) {
            return Float.NaN;
        }
        float v = exponent >= 0 ? m * POWERS_OF_TEN[exponent] : m / POWERS_OF_TEN[-exponent];
        if (!Float.isFinite(v)) {
            return Float.NaN;
        }
        return negative ? -v : v;
    }

    /** A cell as text: spaces around it and enclosing quotes removed, doubled quotes undone. */
    static String text(byte[] buf, int from, int to) {
        while (from < to && buf[from] == ' ') {
            from++;
        }
        while (to > from && buf[to - 1] == ' ') {
            to--;
        }
        String s = new String(buf, from, to - from, StandardCharsets.UTF_8);
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1).replace("\"\"", "\"");
        }
        return s;
    }

    /** Whether the bytes hold nothing but spaces and tabs. */
    static boolean blank(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] != ' ' && buf[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
