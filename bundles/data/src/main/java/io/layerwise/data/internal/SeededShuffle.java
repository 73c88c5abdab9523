package io.layerwise.data.internal;

/**
 * The shuffle that produced the reference sample: a Mersenne Twister (MT19937) seeded from a non-negative
 * integer the way CPython's {@code random.seed} seeds it ({@code init_by_array} over the seed's 32-bit words),
 * and a Fisher-Yates pass from the last position down that draws each index in [0, i] by rejection from
 * bit-length random bits, as {@code random.shuffle} does. Reproducing it exactly, rather than using
 * {@link java.util.Random}, makes the digits fetched on a user's machine identical, in the same order, to the
 * sample the benchmarks and reference figures were measured on.
 */
final class SeededShuffle {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER = 0x80000000;
    private static final int LOWER = 0x7fffffff;

    private final int[] mt = new int[N];
    private int index = N;

    SeededShuffle(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            throw new IllegalArgumentException("seed must fit in 32 unsigned bits, got " + seed);
        }
        initByArray((int) seed);
    }

    /** Shuffles {@code order} in place. */
    void shuffle(int[] order) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = below(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** A uniform integer in [0, n), n >= 1, by rejection from bit-length random bits. */
    int below(int n) {
        int bits = 32 - Integer.numberOfLeadingZeros(n);
        long r;
        do {
            r = Integer.toUnsignedLong(next()) >>> (32 - bits);
        } while (r >= n);
        return (int) r;
    }

    /** The next tempered 32-bit output. */
    int next() {
        if (index >= N) {
            regenerate();
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        return y ^ (y >>> 18);
    }

    private void regenerate() {
        for (int k = 0; k < N; k++) {
            int y = (mt[k] & UPPER) | (mt[(k + 1) % N] & LOWER);
            mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : MATRIX_A);
        }
        index = 0;
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
    }

    /** Seeding from a one-word key, as for any seed below 2^32. */
    private void initByArray(int key) {
        initGenrand(19650218);
        int i = 1;
        for (int k = N; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key;
            if (++i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            if (++i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = UPPER;
    }
}
