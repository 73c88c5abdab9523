package io.layerwise.model.rbm.internal;

import io.layerwise.api.spec.Spec;

/**
 * The {@code ais} object of an rbm stage: {@code runs} (M, default {@value #DEFAULT_RUNS}; 0 switches the estimate
 * off) independent annealing runs over {@code temperatures} (K, default {@value #DEFAULT_TEMPERATURES}) inverse
 * temperatures; see {@link Ais}. The defaults take about 25 s for a 784-500 RBM on the 2-core machine (docs/rbm.md).
 */
record AisOptions(int runs, int temperatures) {
    static final int DEFAULT_RUNS = 100;
    static final int DEFAULT_TEMPERATURES = 5_000;
    static final AisOptions OFF = new AisOptions(0, DEFAULT_TEMPERATURES);

    AisOptions {
        if (runs < 0 || temperatures < 1) {
            throw new IllegalArgumentException("ais needs runs >= 0 and temperatures >= 1, got " + runs + ", "
                    + temperatures);
        }
    }

    boolean enabled() {
        return runs > 0;
    }

    /** Reads {@code ais.runs} and {@code ais.temperatures}; a bad value names its path. */
    static AisOptions read(Spec ais) {
        int runs = ais.integer("runs", DEFAULT_RUNS, 0, 100_000);
        int temperatures = ais.integer("temperatures", DEFAULT_TEMPERATURES, 1, 10_000_000);
        return new AisOptions(runs, temperatures);
    }
}
