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
    /**
     * W2: Bernoulli RBM 784-500, CD-1, W ~ N(0, 0.01), plain SGD lr 0.1; the train error W2 defines, the CE of
     * {@code v1 = sig(h0s W^T + bv)} against {@code v0} ({@code trainError} "sampled": five GEMMs, as W2 counts).
     */
    RBM("rbm", true) {
        @Override
        String stageJson(int batch, int epochs) {
            return String.format(Locale.ROOT, "{\"type\": \"rbm\", \"hidden\": %d, \"k\": 1, \"initStd\": 0.01,"
                    + " \"trainError\": \"sampled\","
                    + " \"train\": {\"epochs\": %d, \"batch\": %d, \"optimizer\": {\"kind\": \"sgd\", \"lr\": 0.1}}}",
                    HIDDEN, epochs, batch);
        }
    },
    /** W6: Kingma and Welling's MLP VAE 784-400-20, ReLU, Bernoulli, Adam 1e-3, shuffled; no IW estimate. */
    VAE("vae", true) {
        @Override
        String stageJson(int batch, int epochs) {
            return String.format(Locale.ROOT, "{\"type\": \"vae\", \"hidden\": [%d], \"latent\": %d, \"activation\": \"relu\","
                    + " \"likelihood\": \"bernoulli\", \"shuffle\": true, \"iwSamples\": 0,"
                    + " \"train\": {\"epochs\": %d, \"batch\": %d, \"optimizer\": {\"kind\": \"adam\", \"lr\": 0.001}}}",
                    VAE_HIDDEN, VAE_LATENT, epochs, batch);
        }

        @Override
        int hidden() {
            return VAE_HIDDEN;
        }
    },
    /**
     * W5: the convolutional autoencoder of config/pipelines/mnist-conv-ae-2d.json (2-D tanh code, pixels in [-1, 1],
     * squared error, Adam 1e-3, weight decay 1e-5, shuffled).
     */
    CONVAE("convae", true) {
        @Override
        String stageJson(int batch, int epochs) {
            return String.format(Locale.ROOT, "{\"type\": \"conv-ae\", \"input\": [1, 28, 28], \"encoder\": %s,"
                    + " \"decoder\": %s, \"loss\": \"squared-error\", \"weightDecay\": 1e-5, \"shuffle\": true,"
                    + " \"train\": {\"epochs\": %d, \"batch\": %d, \"optimizer\": {\"kind\": \"adam\", \"lr\": 0.001}}}",
                    CONV_ENCODER, CONV_DECODER, epochs, batch);
        }

        @Override
        String dataJson() {
            return "{\"source\": \"mnist\", \"scale\": \"symmetric\"}";
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
    static final int VAE_HIDDEN = 400;
    static final int VAE_LATENT = 20;
    static final String CONV_ENCODER = "[{\"kind\": \"conv\", \"filters\": 16, \"kernel\": 3, \"stride\": 3, \"padding\": 1},"
            + " {\"kind\": \"leaky-relu\", \"slope\": 0}, {\"kind\": \"batch-norm\"}, {\"kind\": \"max-pool\", \"size\": 2, \"stride\": 2},"
            + " {\"kind\": \"conv\", \"filters\": 32, \"kernel\": 3, \"stride\": 2, \"padding\": 1},"
            + " {\"kind\": \"leaky-relu\", \"slope\": 0}, {\"kind\": \"batch-norm\"}, {\"kind\": \"max-pool\", \"size\": 2, \"stride\": 1},"
            + " {\"kind\": \"conv\", \"filters\": 64, \"kernel\": 2}, {\"kind\": \"leaky-relu\", \"slope\": 0},"
            + " {\"kind\": \"batch-norm\"}, {\"kind\": \"flatten\"}, {\"kind\": \"dense\", \"units\": 2}, {\"kind\": \"tanh\"}]";
    static final String CONV_DECODER = "[{\"kind\": \"dense\", \"units\": 64}, {\"kind\": \"leaky-relu\", \"slope\": 0},"
            + " {\"kind\": \"reshape\", \"shape\": [64, 1, 1]}, {\"kind\": \"conv-transpose\", \"filters\": 32, \"kernel\": 2},"
            + " {\"kind\": \"leaky-relu\", \"slope\": 0}, {\"kind\": \"batch-norm\"},"
            + " {\"kind\": \"conv-transpose\", \"filters\": 16, \"kernel\": 3, \"stride\": 2},"
            + " {\"kind\": \"leaky-relu\", \"slope\": 0}, {\"kind\": \"batch-norm\"},"
            + " {\"kind\": \"conv-transpose\", \"filters\": 8, \"kernel\": 5, \"stride\": 3, \"padding\": 1},"
            + " {\"kind\": \"leaky-relu\", \"slope\": 0}, {\"kind\": \"batch-norm\"},"
            + " {\"kind\": \"conv-transpose\", \"filters\": 1, \"kernel\": 2, \"stride\": 2, \"padding\": 1}, {\"kind\": \"tanh\"}]";
    /**
     * Multiply-adds of one W5 sample's forward pass: the convolutions' and dense layers' products (conv 14,400 +
     * 41,472 + 8,192, dense 128 + 128, conv-transpose 8,192 + 18,432 + 80,000 + 7,200).
     */
    static final double CONV_MACS = 178_144;

    final String word;
    /** True when an epoch is minibatches of GEMMs of B x inputs x hidden (W1, W2, W6). */
    final boolean minibatched;

    BenchWorkload(String word, boolean minibatched) {
        this.word = word;
        this.minibatched = minibatched;
    }

    abstract String stageJson(int batch, int epochs);

    /** The width of the large GEMMs of a step (the hidden layer), for the GEMM peak the epoch is compared with. */
    int hidden() {
        return HIDDEN;
    }

    /** The pipeline's data section. */
    String dataJson() {
        return "{\"source\": \"mnist\"}";
    }

    String pipelineJson(int batch, int epochs) {
        return "{\"name\": \"bench-" + word + "\", \"seed\": 1234, \"data\": " + dataJson() + ", \"stages\": ["
                + stageJson(batch, epochs) + "]}";
    }

    /**
     * Floating-point operations of one epoch (or one fit): 5 GEMMs of 2 B n h per batch for W1/W2; for W6 the same 5
     * (the first layer forward and its weight gradient, the output layer forward, its weight gradient and the
     * gradient to its input) and 9 of 2 B h L (the two heads and the decoder's first layer, 3 each); the
     * {@code n x N x n} covariance GEMM for ZCA (the eigendecomposition is not counted); for W5 three times the
     * forward pass's {@link #CONV_MACS} multiply-adds.
     */
    double flops(int samples, int inputs) {
        return switch (this) {
            case DAE, RBM -> 10.0 * samples * inputs * HIDDEN;
            case VAE -> 2.0 * samples * (5.0 * inputs * VAE_HIDDEN + 9.0 * VAE_HIDDEN * VAE_LATENT);
            case CONVAE -> 3 * 2.0 * samples * CONV_MACS; // forward, and backward's two products per layer
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
        throw new IllegalArgumentException("unknown workload \"" + word + "\"; one of dae, rbm, vae, convae, zca, gemm");
    }
}
