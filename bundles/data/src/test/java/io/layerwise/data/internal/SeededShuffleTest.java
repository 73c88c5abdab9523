package io.layerwise.data.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Reference values from CPython 3.11: {@code random.Random(seed).getrandbits(32)} and {@code .shuffle(range(20))}. */
class SeededShuffleTest {
    @Test
    void firstOutputsMatchTheReferenceGenerator() {
        SeededShuffle s = new SeededShuffle(20261124L);
        long[] expected = {3538602242L, 744319918L, 2900470100L, 4090058633L, 14695724L};
        for (long e : expected) {
            assertEquals(e, Integer.toUnsignedLong(s.next()));
        }
    }

    @Test
    void shuffleMatchesTheReferenceOrder() {
        assertArrayEquals(new int[] {13, 11, 8, 16, 18, 19, 10, 17, 3, 9, 6, 15, 12, 2, 7, 14, 4, 1, 0, 5}, shuffled(20261124L));
        assertArrayEquals(new int[] {11, 5, 17, 19, 9, 0, 16, 1, 15, 6, 10, 13, 14, 12, 7, 3, 8, 2, 18, 4}, shuffled(1L));
    }

    @Test
    void belowStaysInRange() {
        SeededShuffle s = new SeededShuffle(7L);
        for (int n = 1; n < 2000; n++) {
            int r = s.below(n);
            assertEquals(true, r >= 0 && r < n, r + " not in [0, " + n + ")");
        }
    }

    private static int[] shuffled(long seed) {
        int[] order = new int[20];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        new SeededShuffle(seed).shuffle(order);
        return order;
    }
}
