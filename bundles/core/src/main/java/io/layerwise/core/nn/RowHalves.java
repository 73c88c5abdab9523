package io.layerwise.core.nn;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The element-wise passes between two GEMMs on both cores: a pass over B x n minibatch arrays runs on their top rows
 * on the calling thread and on their bottom rows on {@link SecondCore}'s worker. Between GEMMs OpenBLAS's threads
 * wait, and ND4J's transforms run on one OpenMP thread, so at batch 128 a DAE step spent about as long in these
 * passes on one core as in its five products on two (docs/performance.md).
 *
 * <p>A pass applies the same ND4J transforms to each half that it would apply to the whole arrays; transforms are
 * computed element by element, so the result is the same, bit for bit, as the pass on the whole arrays
 * ({@code RowHalvesTest}, {@code FusedStepTest}). Sums over the arrays (a loss) stay outside the pass, over the whole
 * arrays, so their summation order does not change either. The row views are made once per array and kept.
 */
public final class RowHalves {
    /**
     * Below this many values in the largest array of a pass it runs on the calling thread alone. A hand-over to the
     * spinning worker costs about a microsecond, a 20 x 500 sigmoid about 25: batch-20 passes of a 784-500 layer
     * share (RBM batch 20: 0.92 of the epoch time against 2^15, four pairs).
     */
    public static final long MIN_VALUES = 1 << 12;

    /**
     * Arrays whose halves are kept at most: a stage's buffers and its minibatch views, of which full MNIST makes 3,000
     * at batch 20; more (new arrays each call) start afresh. A cap of 1,024 dropped every epoch's views of 60,000 rows,
     * and the buffers' with them, so that each step made its views again (60,000-row epochs 1.16-1.21 times the
     * 8,000-row ones per row: docs/performance.md, "Full-size data on the Zen 5 machine"). Two row views an array,
     * a few hundred bytes of heap.
     */
    static final int MAX_KEPT = 1 << 16;

    /**
     * On unless {@code -Dlayerwise.rowHalves=false}. It was off while OpenBLAS's own threads ran the products: they
     * spin between products and took the second core from the second half (batch-128 RBM epochs 5-10% slower). Since
     * the products run in halves on {@link SecondCore}'s worker, nothing else spins there (docs/performance.md, "One
     * worker for both cores").
     */
    private static volatile boolean enabled = !"false".equals(System.getProperty("layerwise.rowHalves"));

    private static final boolean CPU = Nd4j.getEnvironment().isCPU();

    private final int rows;
    private final Map<INDArray, INDArray[]> views = new IdentityHashMap<>();

    /** @param rows the row count B of every array passed */
    public RowHalves(int rows) {
        this.rows = rows;
    }

    /** One element-wise pass; {@code half} maps each array it touches to the rows this run covers. */
    @FunctionalInterface
    public interface Pass {
        void run(UnaryOperator<INDArray> half);
    }

    /**
     * Runs {@code pass} over the whole arrays, or over each half on its own core when the arrays hold at least
     * {@link #MIN_VALUES} values ({@code values}: the largest array's length) and a second core is there. On the CUDA
     * backend the whole arrays always (the GPU runs each pass in parallel already; two host threads would only add
     * streams).
     */
    public void run(long values, Pass pass) {
        if (!enabled || values < MIN_VALUES || rows < 2 || !SecondCore.available() || !CPU) {
            pass.run(a -> a);
            return;
        }
        SecondCore.share(2, (piece, worker) -> pass.run(a -> half(a, piece)));
    }

    /** Turns sharing on or off for every instance (tests compare both paths; off as {@code layerwise.rowHalves}). */
    public static void enabled(boolean on) {
        enabled = on;
    }

    /** Whether passes may share (the switch above). */
    public static boolean enabled() {
        return enabled;
    }

    /** Rows {@code 0..B/2} (piece 0) or {@code B/2..B} (piece 1) of {@code a}. */
    private synchronized INDArray half(INDArray a, int piece) {
        if (a.rows() != rows) {
            throw new IllegalArgumentException("array of " + a.rows() + " rows in a pass over " + rows + " rows");
        }
        if (views.size() >= MAX_KEPT && !views.containsKey(a)) {
            views.clear();
        }
        return views.computeIfAbsent(a, x -> new INDArray[] {
            x.get(NDArrayIndex.interval(0, rows / 2), NDArrayIndex.all()),
            x.get(NDArrayIndex.interval(rows / 2, rows), NDArrayIndex.all())})[piece];
    }
}
