package io.layerwise.core.nn;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS's thread count for one call: a product of fewer than {@link #ONE_THREAD_BELOW} multiply-adds runs on one
 * thread, a larger one on every thread the backend gave OpenBLAS. Inside a training step a small product on two
 * threads waited for the second one: a 128 x 400 by 400 x 20 head of the VAE took 61-82 us on two threads and 23-29
 * us on one, and a batch-20 DAE epoch ran 0.78-0.96 of its time with its products on one thread
 * (docs/performance.md, "Small products on one BLAS thread").
 *
 * <p>OpenBLAS 0.3.21 has one process-wide count, so the count is lowered around the call and set back, and every
 * direct call of {@link Level1} and {@link Level3} holds {@link #LOCK} meanwhile: no other thread's product runs on
 * the lowered count, which would change its result in the last bits (OpenBLAS splits some sums by thread). The lock
 * is the class object of OpenBLAS's binding, which every bundle's private copy of this class shares.
 *
 * <p>The rule depends on the shape, the configured count and the threshold only. The threshold is the default, or
 * the backend's ({@link #THRESHOLD_PROPERTY}), which it times once per machine and kernel and then reads from a file:
 * never a timing of this run, so a run and its resumed twin choose alike and stay equal bit for bit.
 * Package-private: {@link Level1} and {@link Level3} are its only callers.
 */
final class BlasThreads {
    /** 2^24 multiply-adds (33.5 MFLOP): every batch-20 product of a 784-500 layer is below, batch 128's are above. */
    static final long ONE_THREAD_BELOW = 1L << 24;
    /**
     * The threshold in force, set by the backend (which times both counts once per machine and kernel, and keeps
     * the verdict) before any training product; read with the configured count.
     */
    static final String THRESHOLD_PROPERTY = "layerwise.blas.oneThreadBelow";

    /**
     * With the split in force, products from 2^19 multiply-adds run in halves whatever the threshold: the threshold
     * weighs one OpenBLAS thread against its two, whose second waits to be woken; a hand-over to the spinning worker
     * costs about a microsecond. The VAE's 128 x 400 by 400 x 20 heads (2^20) then share too: its epochs took 0.84 of
     * the time (three pairs, docs/performance.md, "One worker for both cores").
     */
    static final long SPLIT_FROM = 1L << 19;

    /**
     * OpenBLAS's AVX-512 kernel sets send a call of fewer than 10^6 multiply-adds to small-matrix kernels that read
     * {@code A} and {@code B} in place; a larger call packs both first, which at batch 20 costs about as much as the
     * arithmetic. So a one-thread call whose blocks of {@code w} columns of {@code C} each stay under that limit runs
     * as calls on those blocks: a 20 x 784 x 500 product in 93 us instead of 184 under Cooperlake at {@code w = 32}
     * (tools/blas-kernels/widths.c; docs/performance.md, "Batch-20 products in blocks").
     */
    static final long SMALL_KERNEL_BELOW = 1_000_000;
    /** The width where nothing is timed and the kernel set has the small-matrix kernels. */
    static final int BLOCK_COLUMNS = 32;
    /**
     * The blocks' width in columns, "false" or 0 for none: set by the backend, which times the widths against one
     * call once per machine and kernel and keeps the verdict (or by the user, {@code -Dlayerwise.blas.blocks=false});
     * unset, {@link #BLOCK_COLUMNS} under the kernel sets with small-matrix kernels ({@link #smallKernels}).
     */
    static final String BLOCKS_PROPERTY = "layerwise.blas.blocks";

    /** Held by every direct OpenBLAS call of this package. */
    static final Object LOCK = openblas_nolapack.class;

    private static SetCount setter;
    /** The count the backend configured, read once under {@link #LOCK}; 0 until then, 1 when nothing is lowered. */
    private static int configured;
    private static volatile long oneThreadBelow = ONE_THREAD_BELOW;
    /** {@code -Dlayerwise.blas.split=false} leaves every product to the threshold and OpenBLAS's own threads. */
    private static volatile boolean splitProducts = !"false".equals(System.getProperty("layerwise.blas.split"));
    /**
     * The blocks' width, 0 for one call: read with the configured count, and fixed from then on, so a run and its
     * resumed twin compute alike.
     */
    private static volatile int blockColumns = blockColumnsSet();

    private BlasThreads() {
    }

    /** Whether {@code m x k} by {@code k x n} runs on one thread when the backend gave OpenBLAS several. */
    static boolean oneThread(long m, long n, long k) {
        return m * n * k < oneThreadBelow;
    }

    /** The backend's threshold from {@link #THRESHOLD_PROPERTY}, or the default. */
    static long threshold(String property) {
        if (property != null) {
            try {
                long v = Long.parseLong(property.trim());
                if (v >= 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // the default below
            }
        }
        return ONE_THREAD_BELOW;
    }

    /**
     * OpenBLAS's count as configured, or 1 when it cannot be lowered here. The backend sets it at start through the
     * binding, whose {@code blas_get_num_threads} returns the last count set that way (-1 before any): until then
     * nothing is lowered and nothing is kept, so a product before the backend's start does not turn the rule off.
     */
    static int configured() {
        synchronized (LOCK) {
            if (configured == 0) {
                int set = openblas_nolapack.blas_get_num_threads();
                if (set < 1) {
                    return 1;
                }
                Pointer address = Loader.addressof("openblas_set_num_threads");
                configured = address == null ? 1 : set;
                oneThreadBelow = threshold(System.getProperty(THRESHOLD_PROPERTY));
                blockColumns = blockColumnsSet();
                if (configured > 1) {
                    setter = new SetCount();
                    setter.put(address);
                }
            }
            return configured;
        }
    }

    /** Sets OpenBLAS's count, once {@link #configured()} found it can; the caller holds {@link #LOCK}. */
    static void setCount(int threads) {
        setter.call(threads);
    }

    /** Makes the next call read the configured count again: for tests that change it. */
    static void forgetConfigured() {
        synchronized (LOCK) {
            configured = 0;
            oneThreadBelow = ONE_THREAD_BELOW;
            blockColumns = blockColumnsSet();
        }
    }

    /**
     * {@code cblas_sgemm}, row-major, on the thread count the rule gives. With two configured threads a product of at
     * least {@link #SPLIT_FROM} multiply-adds is cut in two halves of {@code C} (columns when it is wider than tall,
     * else rows), each a one-thread OpenBLAS call, one of them on {@link SecondCore}'s worker: no OpenBLAS thread
     * runs, or spins, during training. Under OpenBLAS's AVX-512 kernel sets each half computes its elements of
     * {@code C} with the same sums over {@code k} as the whole product on one thread, bit for bit; under the AVX2 sets
     * (Haswell, Zen) the kernels' sums depend on how a call's output is blocked (its first block of rows is computed
     * in narrower kernel calls than the rest), so the halves differ from one call in the last bits, as OpenBLAS's own
     * threads do ({@code BlasThreadsTest}). Either way the result depends on the shape and the kernel set only.
     */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer a, int lda,
            FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        int ta = transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        synchronized (LOCK) {
            int threads = configured();
            boolean split = threads == 2 && splitProducts && SecondCore.available() && (long) m * n * k >= SPLIT_FROM;
            boolean one = threads > 1 && !split && oneThread(m, n, k); // 50 ns a change of count, measured
            if (one || split) {
                setCount(1);
            }
            try {
                if (split) {
                    halves(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                } else {
                    call(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads == 1 || one);
                }
            } finally {
                if (one || split) {
                    setCount(threads);
                }
            }
        }
    }

    /** Whether OpenBLAS's kernel set {@code coretype} has the small-matrix kernels (0.3.21: the AVX-512 ones). */
    static boolean smallKernels(String coretype) {
        return coretype != null && java.util.Set.of("skylakex", "cooperlake", "sapphirerapids")
                .contains(coretype.strip().toLowerCase(java.util.Locale.ROOT));
    }

    /** The blocks' width now in force, 0 for none; for tests. */
    static int blockColumnsInForce() {
        return blockColumns;
    }

    /** The width {@link #BLOCKS_PROPERTY} and the launcher's {@code OPENBLAS_CORETYPE} give now. */
    private static int blockColumnsSet() {
        return blockColumns(System.getProperty(BLOCKS_PROPERTY), System.getenv("OPENBLAS_CORETYPE"));
    }

    /**
     * The blocks' width from {@link #BLOCKS_PROPERTY}: a width of 1 or more columns, 0 or "false" for none, "true" for
     * {@link #BLOCK_COLUMNS}; unset or unreadable, {@link #BLOCK_COLUMNS} where {@code coretype} has the small-matrix
     * kernels, else none.
     */
    static int blockColumns(String property, String coretype) {
        String v = property == null ? "" : property.strip();
        if (v.equalsIgnoreCase("false")) {
            return 0;
        }
        if (v.equalsIgnoreCase("true")) {
            return BLOCK_COLUMNS;
        }
        try {
            int width = Integer.parseInt(v);
            if (width >= 0 && width < SMALL_KERNEL_BELOW) {
                return width;
            }
        } catch (NumberFormatException e) {
            // the kernel set's rule below
        }
        return smallKernels(coretype) ? BLOCK_COLUMNS : 0;
    }

    /**
     * One OpenBLAS call on the current count, or, for a one-thread call of at least {@link #SMALL_KERNEL_BELOW}
     * multiply-adds whose blocks of {@link #blockColumns} columns of {@code C} (columns of {@code op(B)}) each stay
     * under that limit, calls on those blocks.
     */
    private static void call(int ta, int tb, int m, int n, int k, float alpha, FloatPointer a, int lda,
            FloatPointer b, int ldb, float beta, FloatPointer c, int ldc, boolean oneThread) {
        long mk = (long) m * k;
        int width = blockColumns;
        if (!oneThread || width == 0 || mk * width >= SMALL_KERNEL_BELOW || mk * n < SMALL_KERNEL_BELOW) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb,
                    beta, c, ldc);
            return;
        }
        for (int from = 0; from < n; from += width) {
            int size = Math.min(width, n - from);
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, size, k, alpha, a, lda,
                    columnsFrom(b, tb, ldb, from), ldb, beta, at(c, from), ldc);
        }
    }

    /** The product as two one-thread calls on disjoint halves of {@code C}, on this thread and the worker. */
    private static void halves(int ta, int tb, int m, int n, int k, float alpha, FloatPointer a, int lda,
            FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        boolean byColumns = n >= m;
        int cut = (byColumns ? n : m) / 2;
        SecondCore.share(2, (piece, worker) -> {
            int from = piece == 0 ? 0 : cut;
            int size = piece == 0 ? cut : (byColumns ? n : m) - cut;
            if (byColumns) {
                call(ta, tb, m, size, k, alpha, a, lda, columnsFrom(b, tb, ldb, from), ldb, beta, at(c, from), ldc,
                        true);
            } else { // rows of C are rows of op(A)
                long aAt = ta == openblas_nolapack.CblasTrans ? from : (long) from * lda;
                call(ta, tb, size, n, k, alpha, at(a, aAt), lda, b, ldb, beta, at(c, (long) from * ldc), ldc, true);
            }
        });
    }

    /** {@code B} from column {@code from} of {@code op(B)} on, which is column {@code from} of {@code C}. */
    private static FloatPointer columnsFrom(FloatPointer b, int tb, int ldb, int from) {
        return at(b, tb == openblas_nolapack.CblasTrans ? (long) from * ldb : from);
    }

    /** {@code p} moved on by {@code values} floats, as a new pointer. */
    private static FloatPointer at(FloatPointer p, long values) {
        return new FloatPointer(p).position(p.position() + values);
    }

    /** Whether products from {@link #SPLIT_FROM} run in halves on two threads (the default); for A/B runs, tests. */
    static void splitProducts(boolean on) {
        splitProducts = on;
    }

    /**
     * {@code openblas_set_num_threads}, called through a function pointer looked up once: the binding's own
     * {@code blas_set_num_threads} looks up four symbols on every call. The subclass only reaches the protected
     * constructor, which allocates the native holder that {@code put} fills.
     */
    private static final class SetCount extends openblas_nolapack.SetNumThreads {
    }
}
