package io.layerwise.core.optim;

import io.layerwise.core.nn.SecondCore;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Heap copies of float32 arrays for an update rule that touches every element once, as one Java loop. ND4J's
 * element-wise ops cost one pass over memory each, plus 10-25 us of fixed cost per call, and its {@code sqrt} about
 * 4 ns per element (1.2 ms on a 784 x 400 matrix, measured), while a memory copy of the same matrix takes 30 us. An
 * optimizer keeps its own state (moments) in heap arrays of full length ({@link #copy}) and streams the gradient and
 * the parameter through heap arrays {@link #CHUNK} values at a time ({@link #span}: each chunk at its own offset, so
 * that a loop indexes state, gradient and parameter alike; the chunk just copied is still in the core's cache), so a
 * step moves each value of the parameter, its gradient and its state once and allocates nothing after the first.
 * Which arrays qualify: {@code NdArrays.wholeFloat32}. Used by Adam and by SGD with momentum ({@link #apply}).
 * Used by one optimizer thread at a time; pieces it hands to a second core use disjoint ranges of the same spans.
 */
final class HeapPass {
    /** Values per chunk of a streamed array: 32 KiB of floats. */
    static final int CHUNK = 8192;
    /**
     * Values per piece of a large array shared between two cores: one chunk. Adam's rule takes about 3 ns a value under
     * C1 (2.0 ms for the VAE's 652,824-value W6, min of 60) and 0.2 ns vectorised by C2 (as the launcher compiles it),
     * so a piece is 25 us at most, the copies included: what the caller may wait for at the end of a shared update.
     */
    static final int PIECE = CHUNK;

    /** The heap copies of g (0) and p (1), as long as the longest parameter; each piece uses its own range of them. */
    private final float[][] spans = new float[2][0];

    /**
     * An element-wise update of elements {@code [from, to)} of one parameter: {@code g} and {@code p} are heap copies
     * of the gradient and the parameter at the parameter's own offsets, so the rule indexes them and its own state
     * alike; it writes {@code p} (and its state), and the pass copies {@code p} back.
     */
    @FunctionalInterface
    interface Rule {
        void apply(float[] g, float[] p, int from, int to);
    }

    /**
     * Runs {@code rule} over all {@code n} values of {@code p} and {@code g} (whole float32 arrays), a chunk at a time
     * through the same range of the spans (so a chunk is still in the core's cache when the rule reads it). With
     * {@code split}, an array of at least {@code SecondCore.MIN_VALUES} values is cut into pieces that this thread and
     * a second core take in turn: every element is independent, so the values are those of one loop.
     */
    void apply(INDArray g, INDArray p, boolean split, Rule rule) {
        int n = (int) p.length();
        float[] gs = span(0, n); // grown here, before a second thread writes its own ranges of them
        float[] ps = span(1, n);
        if (n < SecondCore.MIN_VALUES || !split) {
            range(rule, g, p, 0, n, gs, ps);
            return;
        }
        int pieces = (n + PIECE - 1) / PIECE;
        SecondCore.share(pieces, (k, worker) -> range(rule, g, p, k * PIECE, Math.min(n, (k + 1) * PIECE), gs, ps));
    }

    private static void range(Rule rule, INDArray g, INDArray p, int from, int to, float[] gs, float[] ps) {
        FloatBuffer gb = nio(g);
        FloatBuffer pb = nio(p);
        for (int lo = from; lo < to; lo += CHUNK) {
            int len = Math.min(CHUNK, to - lo);
            gb.get(lo, gs, lo, len);
            pb.get(lo, ps, lo, len);
            rule.apply(gs, ps, lo, lo + len);
            pb.put(lo, ps, lo, len);
        }
    }

    /** The heap array of {@code slot}, at least {@code n} values long (grown, never shrunk). */
    float[] span(int slot, int n) {
        if (spans[slot].length < n) {
            spans[slot] = new float[n];
        }
        return spans[slot];
    }

    /** A new heap array with the values of {@code a}. */
    static float[] copy(INDArray a) {
        float[] b = new float[(int) a.length()];
        nio(a).get(0, b, 0, b.length);
        return b;
    }

    /** Copies the first {@code a.length()} values of {@code b} into {@code a}. */
    static void out(float[] b, INDArray a) {
        nio(a).put(0, b, 0, (int) a.length());
    }

    /** The array's memory as a buffer whose absolute bulk get and put copy ranges of it. */
    static FloatBuffer nio(INDArray a) {
        return a.data().asNioFloat();
    }
}
