package io.layerwise.backend.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whether core's {@code BlasThreads} cuts one-thread products into blocks of columns, and how wide. OpenBLAS's
 * AVX-512 kernel sets read the operands of a call under 10^6 multiply-adds in place and pack those of a larger one:
 * a batch-20 product of a 784-500 layer ran in 93 us as 32-column blocks against 184 us as one call under
 * Cooperlake, and blocks only cost under Haswell's kernels (docs/performance.md, "Batch-20 products in blocks").
 * Which sets have such kernels, and which width suits them, is the machine's and the OpenBLAS build's: so the backend
 * times the batch-20 shapes as one call and at each of {@link #WIDTHS} once per machine and kernel, keeps the verdict
 * beside the thread threshold's, and publishes it as {@link #PROPERTY}, which every bundle's copy of core reads.
 *
 * <p>As with the threshold, a remembered verdict is read, never timed again: a run and its resumed twin compute
 * alike (the blocks move a product's last bits). Without the launcher's file (tests, an embedded framework) core's
 * rule by kernel set name holds, and is published as such.
 */
final class ProductBlocks {
    /** core's {@code BlasThreads.BLOCKS_PROPERTY}: the width in columns, 0 for one call. */
    static final String PROPERTY = "layerwise.blas.blocks";
    static final String SOURCE = PROPERTY + ".source";
    /**
     * The widths timed. Both leave the same products in blocks (core blocks a product when a block's {@code m k w}
     * is under 10^6: {@code m k} = 15,680 and 10,000 at batch 20, not the RBM's 31,360), so the timed shapes are
     * the ones they change; widths of 8 and 64 were slower on the first machine measured (tools/blas-kernels/widths.c).
     */
    static final List<Integer> WIDTHS = List.of(32, 48);
    /** core's width where nothing is timed, under the kernel sets it knows to have the small-matrix kernels. */
    static final int DEFAULT_WIDTH = 32;
    /** Blocks must be this much faster to be chosen: a tie keeps one call, as before the blocks. */
    static final double MARGIN = 0.9;
    private static final int ROUNDS = 9;
    /** Timed products in a row one way. */
    private static final int BLOCK = 4;

    /** The products timed: the batch-20 ones among the thread threshold's shapes. */
    static final List<SmallProducts.Shape> SHAPES = SmallProducts.SHAPES.stream()
            .filter(s -> s.size() >= SmallProducts.BELOW_BATCH_20).toList();

    /** One shape's median seconds as one call and at each of {@link #WIDTHS}, in order. */
    record Timing(SmallProducts.Shape shape, double whole, List<Double> blocked) {
    }

    /** The width core reads (0: one call), and where it came from (for {@code layerwise:backend}). */
    record Choice(String width, String source) {
    }

    private ProductBlocks() {
    }

    /**
     * The blocks for this process: the user's {@link #PROPERTY} when set; else the verdict remembered under
     * {@code key} in {@code file}; else, when a file is given, timed now on one thread (ND4J loaded, before any
     * training product) and remembered, the count set back to {@code threads}; else core's rule for
     * {@code coretype}. Published as {@link #PROPERTY}.
     */
    static Choice choose(int threads, String coretype, Path file, String key) {
        String user = System.getProperty(SOURCE) == null ? System.getProperty(PROPERTY) : null;
        Choice choice = user != null ? new Choice(user.strip(), "set by the user")
                : file == null || key == null ? byKernelSet(coretype)
                : remembered(threads, file, key);
        System.setProperty(PROPERTY, choice.width());
        System.setProperty(SOURCE, choice.source());
        return choice;
    }

    /** core's rule where nothing is timed: {@link #DEFAULT_WIDTH} under the sets with the small-matrix kernels. */
    static Choice byKernelSet(String coretype) {
        boolean small = coretype != null && List.of("skylakex", "cooperlake", "sapphirerapids")
                .contains(coretype.strip().toLowerCase(Locale.ROOT));
        return new Choice(small ? Integer.toString(DEFAULT_WIDTH) : "0",
                "not timed; by the kernel set, " + (coretype == null ? "unset" : coretype));
    }

    private static Choice remembered(int threads, Path file, String key) {
        SmallProducts.Verdict v = SmallProducts.remembered(file, key + ".blocks", "product blocks", () -> {
            List<Timing> timings = measure(threads);
            return new SmallProducts.Verdict(Integer.toString(width(timings)), describe(timings));
        });
        return new Choice(v.value(), "measured on this machine: " + v.timings());
    }

    /**
     * The width whose blocks take the least time over the shapes, summed, when that is under {@link #MARGIN} of one
     * call's; else 0.
     */
    static int width(List<Timing> timings) {
        double whole = 0;
        double[] blocked = new double[WIDTHS.size()];
        for (Timing t : timings) {
            whole += t.whole();
            for (int i = 0; i < blocked.length; i++) {
                blocked[i] += t.blocked().get(i);
            }
        }
        int best = 0;
        for (int i = 1; i < blocked.length; i++) {
            if (blocked[i] < blocked[best]) {
                best = i;
            }
        }
        return blocked[best] < MARGIN * whole ? WIDTHS.get(best) : 0;
    }

    static String describe(List<Timing> timings) {
        List<String> parts = new ArrayList<>();
        for (Timing t : timings) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s %.0f", t.shape().name(), t.whole() * 1e6));
            for (double b : t.blocked()) {
                sb.append(String.format(Locale.ROOT, "/%.0f", b * 1e6));
            }
            parts.add(sb.append(" us").toString());
        }
        StringBuilder ways = new StringBuilder("one call");
        WIDTHS.forEach(w -> ways.append(" / ").append(w));
        return String.join(", ", parts) + " (" + ways + " columns, one thread)";
    }

    /**
     * Each shape as one call and at each width, on one thread, in an order rotated each round, {@link #ROUNDS} times
     * after a warm-up; under the lock core's products take, with OpenBLAS's count set back to {@code threads} after.
     */
    static List<Timing> measure(int threads) {
        List<Timing> timings = new ArrayList<>();
        synchronized (openblas_nolapack.class) {
            try {
                Nd4j.factory().blas().setMaxThreads(1);
                for (SmallProducts.Shape s : SHAPES) {
                    timings.add(time(s));
                }
            } finally {
                Nd4j.factory().blas().setMaxThreads(threads);
            }
        }
        return timings;
    }

    private static Timing time(SmallProducts.Shape s) {
        try (SmallProducts.Operands o = new SmallProducts.Operands(s)) {
            int ways = WIDTHS.size() + 1; // way 0 is one call
            double[][] seconds = new double[ways][ROUNDS];
            for (int round = -1; round < ROUNDS; round++) { // a round of warm-up
                for (int i = 0; i < ways; i++) {
                    int way = Math.floorMod(i + round, ways);
                    double t = o.seconds(way == 0 ? 0 : WIDTHS.get(way - 1), BLOCK);
                    if (round >= 0) {
                        seconds[way][round] = t;
                    }
                }
            }
            List<Double> blocked = new ArrayList<>();
            for (int way = 1; way < ways; way++) {
                blocked.add(GemmBenchmark.median(seconds[way]));
            }
            return new Timing(s, GemmBenchmark.median(seconds[0]), blocked);
        }
    }
}
