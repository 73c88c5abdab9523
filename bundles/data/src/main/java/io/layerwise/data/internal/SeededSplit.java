package io.layerwise.data.internal;

import java.util.Arrays;
import java.util.Random;

/** A seeded choice of held-out rows; both parts keep the file's order. */
final class SeededSplit {
    private SeededSplit() {
    }

    /** {@code [kept rows, held-out rows]}, {@code held} of {@code n} held out, the same for the same seed. */
    static int[][] split(int n, int held, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random r = new Random(seed); // its sequence is specified, so a seed means the same split on every JVM
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] test = Arrays.copyOf(order, held);
        int[] train = Arrays.copyOfRange(order, held, n);
        Arrays.sort(test);
        Arrays.sort(train);
        return new int[][] {train, test};
    }
}
