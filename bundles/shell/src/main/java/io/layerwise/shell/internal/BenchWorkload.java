package io.layerwise.shell.internal;

import java.util.Locale;

/**
 * The reference workloads of {@code ../shared/bench/README.md}, expressed as pipelines so that a benchmark runs
 * the same code path as a user's run: 784-500 models on the training digits in file order, float32, seed 1234.
 */
enum BenchWorkload {
    /** W1: tied 784-500 DAE, sigmoid/sigmoid, cross-entropy, masking noise 0.3, plain SGD lr 0.1. */
    DAE("dae", true) {
        @Override
        String stageJson(int batch, int epochs) {
            return String.format(Locale.ROOT, "{\"type\": \"dae\", \"hidden\": %d, \"tied\": true, \"encoder\": \"sigmoid\","
                    + " \"decoder\": \"sigmoid\", \"loss\": \"cross-entropy\", \"noise\": {\"kind\": \"mask\", \"level\": 0.3},"
                    + " \"train\": {\"epochs\": %d, \"batch\": %d, \"optimizer\": {\"kind\": \"sgd\", \"lr\": 0.1}}}",
                    HIDDEN, epochs, batch);
        }
    },
    /** W2: Bernoulli RBM 784-500, CD-1, W ~ N(0, 0.01), plain SGD lr 0.1. */
    RBM("rbm", true) {
        @Override
        String stageJson(int batch, int epochs) {
            return String.format(Locale.ROOT, "{\"type\": \"rbm\", \"hidden\": %d, \"k\": 1, \"initStd\": 0.01,"
                    + " \"train\": {\"epochs\": %d, \"batch\": %d, \"optimizer\": {\"kind\": \"sgd\", \"lr\": 0.1}}}",
                    HIDDEN, epochs, batch);
        }
    },
    /** W3: ZCA whitening fit, epsilon 0.1. */
    ZCA("zca", false) {
        @Override
        String stageJson(int batch, int epochs) {
            return "{\"type\": \"zca\", \"epsilon\": 0.1}";
        }
    },
    /** W4: GEMM rates at the training shapes; no pipeline. */
    GEMM("gemm", false) {
        @Override
        String stageJson(int batch, int epochs) {
            throw new UnsupportedOperationException("gemm runs no pipeline");
        }
    };

    static final int HIDDEN = 500;

    final String word;
    /** True when an epoch is 5 GEMMs of B x inputs x hidden per batch (W1, W2). */
    final boolean minibatched;

    BenchWorkload(String word, boolean minibatched) {
        this.word = word;
        this.minibatched = minibatched;
    }

    abstract String stageJson(int batch, int epochs);

    String pipelineJson(int batch, int epochs) {
        return "{\"name\": \"bench-" + word + "\", \"seed\": 1234, \"data\": {\"source\": \"mnist\"}, \"stages\": ["
                + stageJson(batch, epochs) + "]}";
    }

    /**
     * Floating-point operations of one epoch (or one fit): 5 GEMMs of 2 B n h per batch for W1/W2, the
     * {@code n x N x n} covariance GEMM for ZCA (the eigendecomposition is not counted).
     */
    double flops(int samples, int inputs) {
        return switch (this) {
            case DAE, RBM -> 10.0 * samples * inputs * HIDDEN;
            case ZCA -> 2.0 * samples * inputs * inputs;
            case GEMM -> 0;
        };
    }

    static BenchWorkload parse(String word) {
        for (BenchWorkload w : values()) {
            if (w.word.equals(word)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload \"" + word + "\"; one of dae, rbm, zca, gemm");
    }
}
