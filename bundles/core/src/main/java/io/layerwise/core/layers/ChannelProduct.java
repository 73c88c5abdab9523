package io.layerwise.core.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A float32 layer whose linear part, before its bias, is one GEMM product laid out channel-major:
 * {@code [filters][n positions]} (see {@link Kernels.Layout#channels}), the layout in which the bias, an activation
 * and batch-norm after it run over one contiguous row per channel ({@link ConvBlock}).
 */
interface ChannelProduct extends Layer {

    /** The product for {@code x} without the bias, channel-major; the caller may overwrite it until the next call. */
    float[] product(INDArray x);

    /** The bias, one value per output channel (a heap copy). */
    float[] biasValues();

    /**
     * Backward from the gradient with respect to the biased product, channel-major, for the minibatch of {@code n}
     * whose {@link #product} was the last: fills the weight and bias gradients and returns the gradient with respect
     * to the input, or null when {@code inputGradient} is false (the network's first layer).
     */
    INDArray backwardProduct(int n, float[] dz, boolean inputGradient);
}
