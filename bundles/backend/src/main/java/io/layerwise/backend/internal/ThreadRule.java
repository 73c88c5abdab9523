package io.layerwise.backend.internal;

/**
 * How many threads ND4J's own (OpenMP) loops and the BLAS library get on a machine with {@code cores}
 * cores. Both pools default to every core and spin-wait between calls, so in a training step, where
 * GEMMs and elementwise ops alternate, they take the cores from each other. The GEMMs carry the work;
 * the elementwise ops on minibatch-sized arrays gain little from threads. Measured on 2 cores (see
 * docs/design.md): OpenMP 1 / BLAS 2 made a 784-500 DAE step 2.3-4x faster than 2 / 2.
 */
record ThreadRule(int omp, int blas) {

    ThreadRule {
        if (omp < 1 || blas < 1) {
            throw new IllegalArgumentException("thread counts must be >= 1, got omp=" + omp + " blas=" + blas);
        }
    }

    /** The rule, with the configured counts where they are not 0 (0: the rule's count). */
    static ThreadRule choose(int cores, int omp, int blas) {
        ThreadRule rule = forCores(cores);
        return new ThreadRule(omp > 0 ? omp : rule.omp, blas > 0 ? blas : rule.blas);
    }

    static ThreadRule forCores(int cores) {
        int c = Math.max(1, cores);
        // Up to 4 cores: one OpenMP thread. Beyond (not measured here): a quarter of the cores, so
        // large elementwise ops still spread while BLAS keeps every core.
        return new ThreadRule(c <= 4 ? 1 : c / 4, c);
    }
}
