package io.layerwise.api.backend;

import org.osgi.annotation.versioning.ProviderType;

/** The ND4J backend this framework computes with, chosen for the hardware at start. */
@ProviderType
public interface Backend {

    /** {@code linux-x86_64}, {@code linux-x86_64-avx2}, {@code linux-x86_64-avx512} or {@code cuda}. */
    String flavour();

    /** Why this flavour: the CPU flags seen, or the override that chose it. */
    String reason();

    /** Threads of ND4J's own (OpenMP) operations. */
    int ompThreads();

    /** Threads of the BLAS library (GEMM). */
    int blasThreads();

    /** The {@code OPENBLAS_CORETYPE} environment variable, or "unset". */
    String openblasCoretype();

    /** Runs float32 GEMMs of {@code n x n x n} for about {@code seconds} and returns the median GFLOP/s. */
    double gemmSelfTest(int n, double seconds);

    /**
     * Runs float32 GEMMs {@code C = A B} of {@code m x k} times {@code k x n} into a preallocated {@code C} for about
     * {@code seconds} and returns the median GFLOP/s: the speed the training loops can hope for at that shape.
     */
    double gemmGflops(int m, int k, int n, double seconds);

    /**
     * Every BLAS and LAPACK routine the platform calls (GEMM in the layouts used, SYRK, the symmetric eigensolver),
     * checked at start against a float64 reference on small random inputs; waits for ND4J to load. When it did not
     * pass, the platform refuses to compute rather than return wrong numbers.
     */
    BlasCheck blasCheck();
}
