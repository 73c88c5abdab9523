package io.layerwise.backend.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Supplier;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which products run on one BLAS thread: core's {@code BlasThreads} lowers OpenBLAS's count for a product of fewer
 * than {@link #PROPERTY} multiply-adds. Two threads win or lose on a small product by the machine: a batch-20 DAE
 * epoch took 0.78-0.96 of its time with its 20 x 784 x 500 products on one thread on one 2-core machine, and 1.2-1.4
 * times as long on another (docs/performance.md, "Small products: one thread or two, measured per machine"). So the
 * backend times the training shapes both ways once per machine and kernel, keeps the verdict beside the BLAS
 * verdicts, and publishes it as a system property, which every bundle's private copy of core reads.
 *
 * <p>The threshold is measured once and then read from the file: a run and its resumed twin on one machine use the
 * same one, so they stay equal bit for bit (the thread count changes a product's last bits). Without the launcher's
 * verdict file (tests, an embedded framework) nothing is timed and the default holds.
 */
final class SmallProducts {
    /** The system property core's {@code BlasThreads} reads: products below it run on one thread. */
    static final String PROPERTY = "layerwise.blas.oneThreadBelow";
    /** Where the threshold came from, for {@code layerwise:backend}. */
    static final String SOURCE = PROPERTY + ".source";
    /** core's default: every batch-20 product of a 784-500 layer is below, batch 128's are above. */
    static final long DEFAULT = 1L << 24;

    /** A product of the training loops, {@code m x k} times {@code k x n}, A transposed when {@code transA}. */
    record Shape(String name, int m, int n, int k, boolean transA) {
        long size() {
            return (long) m * n * k;
        }
    }

    /**
     * The shapes timed, smallest first, with the threshold that puts the shapes from each one up on every thread:
     * the VAE's 128 x 400 x 20 heads (1.0 M), the batch-20 784-500 layer forward, backward and its weight gradient
     * (7.8 M each). Batch 128's products (50 M) stay on every thread whatever the timings.
     */
    static final List<Shape> SHAPES = List.of(
            new Shape("128x400x20", 128, 20, 400, false),
            new Shape("20x784x500", 20, 500, 784, false),
            new Shape("20x500x784", 20, 784, 500, false),
            new Shape("784x20x500 (A^T)", 784, 500, 20, true));
    /** The thresholds to choose from: below the 1.0 M heads, between them and the 7.8 M products, the default. */
    static final long BELOW_HEADS = 1L << 19;
    static final long BELOW_BATCH_20 = 1L << 22;
    /** Two threads must be this much faster to be chosen: a tie keeps the product off the second core. */
    static final double MARGIN = 0.9;
    private static final int ROUNDS = 9;
    /** Timed products in a row at one count. */
    private static final int BLOCK = 4;

    /** The timings of one shape, median seconds on one thread and on {@code threads}. */
    record Timing(Shape shape, double one, double all) {
    }

    /** The threshold and what it came from (for {@code layerwise:backend}). */
    record Choice(long threshold, String source) {
    }

    private SmallProducts() {
    }

    /**
     * The threshold for this process: the user's {@link #PROPERTY} when set; else the one remembered under
     * {@code key} in {@code file}; else, when a file is given, measured now (ND4J loaded, on the load thread, before
     * any training product) and remembered; else the default. Publishes it as {@link #PROPERTY}.
     */
    static Choice choose(int threads, Path file, String key) {
        // set by the user when it came without this class's note of where it came from
        String user = System.getProperty(SOURCE) == null ? System.getProperty(PROPERTY) : null;
        Choice choice = user != null ? new Choice(parse(user, DEFAULT), "set by the user")
                : remembered(threads, file, key);
        System.setProperty(PROPERTY, Long.toString(choice.threshold()));
        System.setProperty(SOURCE, choice.source());
        return choice;
    }

    private static Choice remembered(int threads, Path file, String key) {
        if (threads < 2) {
            return new Choice(DEFAULT, "one BLAS thread in all");
        }
        if (file == null || key == null) {
            return new Choice(DEFAULT, "default");
        }
        Verdict v = remembered(file, key + ".threads" + threads, "small-product threads", () -> {
            List<Timing> timings = measure(threads);
            return new Verdict(Long.toString(threshold(timings)), describe(timings));
        });
        return new Choice(parse(v.value(), DEFAULT), "measured on this machine: " + v.timings());
    }

    /** A verdict as kept beside the BLAS verdicts: its value, and the timings it came from. */
    record Verdict(String value, String timings) {
    }

    /**
     * The verdict kept under {@code entry} in {@code file}; when there is none, {@code measure}'s, kept there (with
     * its timings under {@code entry.timings}) so that later starts read it instead of timing again. A file that cannot
     * be written is reported ({@code what} names the verdict) and the verdict still used.
     */
    static Verdict remembered(Path file, String entry, String what, Supplier<Verdict> measure) {
        Properties p = load(file);
        String known = p.getProperty(entry);
        if (known != null) {
            return new Verdict(known, p.getProperty(entry + ".timings", "?"));
        }
        Verdict v = measure.get();
        try {
            p.setProperty(entry, v.value());
            p.setProperty(entry + ".timings", v.timings());
            store(file, p);
        } catch (IOException e) {
            System.err.println("layerwise-backend: cannot remember the " + what + " in " + file + ": " + e);
        }
        return v;
    }

    /**
     * The threshold from the timings: the default, lowered below the batch-20 shapes when all of them run faster on
     * every thread (by {@link #MARGIN}, their times summed), and further below the heads when those do too.
     */
    static long threshold(List<Timing> timings) {
        double oneBatch20 = 0;
        double allBatch20 = 0;
        double oneHeads = 0;
        double allHeads = 0;
        for (Timing t : timings) {
            if (t.shape().size() < BELOW_BATCH_20) {
                oneHeads += t.one();
                allHeads += t.all();
            } else {
                oneBatch20 += t.one();
                allBatch20 += t.all();
            }
        }
        if (!(allBatch20 < MARGIN * oneBatch20)) {
            return DEFAULT;
        }
        return allHeads < MARGIN * oneHeads ? BELOW_HEADS : BELOW_BATCH_20;
    }

    static String describe(List<Timing> timings) {
        List<String> parts = new ArrayList<>();
        for (Timing t : timings) {
            parts.add(String.format(Locale.ROOT, "%s %.0f/%.0f us", t.shape().name(), t.one() * 1e6, t.all() * 1e6));
        }
        return String.join(", ", parts) + " (one thread / all)";
    }

    /**
     * Each shape on one thread and on {@code threads}, alternated, {@link #ROUNDS} times after a warm-up, through
     * the call training makes; under the lock core's products take, with OpenBLAS's count set back after.
     */
    static List<Timing> measure(int threads) {
        List<Timing> timings = new ArrayList<>();
        synchronized (openblas_nolapack.class) {
            try {
                for (Shape s : SHAPES) {
                    timings.add(time(s, threads));
                }
            } finally {
                Nd4j.factory().blas().setMaxThreads(threads);
            }
        }
        return timings;
    }

    private static Timing time(Shape s, int threads) {
        try (Operands o = new Operands(s)) {
            double[] one = new double[ROUNDS];
            double[] all = new double[ROUNDS];
            for (int round = -1; round < ROUNDS; round++) { // a round of warm-up; the order flips each round
                for (int count : (round & 1) == 0 ? new int[] {1, threads} : new int[] {threads, 1}) {
                    Nd4j.factory().blas().setMaxThreads(count);
                    // as in training, products follow each other on one count: the first, untimed, wakes the
                    // pool's threads, which a change of count leaves asleep
                    o.product(0);
                    double seconds = o.seconds(0, BLOCK);
                    if (round >= 0) {
                        (count == 1 ? one : all)[round] = seconds;
                    }
                }
            }
            return new Timing(s, GemmBenchmark.median(one), GemmBenchmark.median(all));
        }
    }

    /** Random operands of a shape and its output, off the heap, for timings; freed on close. */
    static final class Operands implements AutoCloseable {
        private final Shape s;
        private final INDArray a;
        private final INDArray b;
        private final INDArray c;
        private final FloatPointer pa;
        private final FloatPointer pb;
        private final FloatPointer pc;

        Operands(Shape s) {
            this.s = s;
            a = Nd4j.rand(DataType.FLOAT, s.transA() ? new long[] {s.k(), s.m()} : new long[] {s.m(), s.k()});
            b = Nd4j.rand(DataType.FLOAT, s.k(), s.n());
            c = Nd4j.create(DataType.FLOAT, s.m(), s.n());
            pa = new FloatPointer(a.data().addressPointer());
            pb = new FloatPointer(b.data().addressPointer());
            pc = new FloatPointer(c.data().addressPointer());
        }

        /** {@code op(A) B}, {@code A} transposed where the shape says. */
        INDArray expected() {
            return (s.transA() ? a.transpose() : a).mmul(b);
        }

        INDArray output() {
            return c;
        }

        /** Mean seconds of {@code times} products in a row, each as {@link #product} makes it. */
        double seconds(int width, int times) {
            long t0 = System.nanoTime();
            for (int i = 0; i < times; i++) {
                product(width);
            }
            return (System.nanoTime() - t0) / 1e9 / times;
        }

        /**
         * {@code C = op(A) B} as one call, or with {@code width} > 0 as calls on blocks of that many columns of
         * {@code C} (and of {@code B}), as core's {@code BlasThreads} makes them.
         */
        void product(int width) {
            int step = width > 0 ? width : s.n();
            for (int from = 0; from < s.n(); from += step) {
                FloatPointer bFrom = from == 0 ? pb : new FloatPointer(pb).position(from);
                FloatPointer cFrom = from == 0 ? pc : new FloatPointer(pc).position(from);
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                        s.transA() ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                        openblas_nolapack.CblasNoTrans, s.m(), Math.min(step, s.n() - from), s.k(), 1f, pa,
                        s.transA() ? s.m() : s.k(), bFrom, s.n(), 0f, cFrom, s.n());
            }
        }

        @Override
        public void close() {
            a.close();
            b.close();
            c.close();
        }
    }

    static long parse(String value, long fallback) {
        try {
            long v = Long.parseLong(value.trim());
            return v >= 0 ? v : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The verdicts of this class and {@link ProductBlocks}, none when the file is missing or unreadable. */
    static Properties load(Path file) {
        try {
            return BlasVerdicts.read(file);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("layerwise-backend: " + file + " unreadable, measuring again: " + e.getMessage());
            return new Properties();
        }
    }

    static void store(Path file, Properties p) throws IOException {
        BlasVerdicts.write(file, p, "How small products run: on one BLAS thread below the threshold, in blocks of"
                + " columns (layerwise-backend, per machine)");
    }
}
