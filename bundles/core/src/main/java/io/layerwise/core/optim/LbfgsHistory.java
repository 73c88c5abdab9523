package io.layerwise.core.optim;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The memory of {@link Lbfgs}: the last {@code m} curvature pairs {@code s_i = x_{i+1} - x_i},
 * {@code y_i = g_{i+1} - g_i}, and the two-loop recursion (Nocedal and Wright's algorithm 7.4) that turns them into
 * {@code d = -H g} with {@code H^0 = (s.y / y.y) I} from the newest pair ({@code I} while there is none).
 */
final class LbfgsHistory {
    private final int capacity;
    private final Deque<double[][]> pairs = new ArrayDeque<>(); // {s, y, {1 / s.y}}, newest first
    private long skipped;

    LbfgsHistory(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Keeps the pair unless {@code s.y <= 0} (the update would not stay positive definite: counted in
     * {@link #skipped()}); beyond {@code m} pairs the oldest goes.
     */
    void add(double[] s, double[] y) {
        double sy = FlatVector.dot(s, y);
        if (sy > 0) {
            pairs.addFirst(new double[][] {s, y, {1 / sy}});
            if (pairs.size() > capacity) {
                pairs.removeLast();
            }
        } else {
            skipped++;
        }
    }

    /** The two-loop recursion: {@code -H g}. */
    double[] direction(double[] g) {
        double[] q = g.clone();
        double[] alpha = new double[pairs.size()];
        int i = 0;
        for (double[][] p : pairs) { // newest first
            alpha[i] = p[2][0] * FlatVector.dot(p[0], q);
            FlatVector.axpy(-alpha[i], p[1], q);
            i++;
        }
        if (!pairs.isEmpty()) {
            double[][] newest = pairs.peekFirst();
            double yy = FlatVector.dot(newest[1], newest[1]);
            FlatVector.scale(1 / (newest[2][0] * yy), q); // gamma = s.y / y.y
        }
        var it = pairs.descendingIterator(); // oldest first
        i = pairs.size() - 1;
        while (it.hasNext()) {
            double[][] p = it.next();
            double beta = p[2][0] * FlatVector.dot(p[1], q);
            FlatVector.axpy(alpha[i] - beta, p[0], q);
            i--;
        }
        FlatVector.scale(-1, q);
        return q;
    }

    /** Forgets the pairs (a direction that was not downhill); the count of skipped pairs stays. */
    void clear() {
        pairs.clear();
    }

    /** Forgets the pairs and the count of skipped ones. */
    void reset() {
        pairs.clear();
        skipped = 0;
    }

    boolean isEmpty() {
        return pairs.isEmpty();
    }

    int size() {
        return pairs.size();
    }

    long skipped() {
        return skipped;
    }
}
