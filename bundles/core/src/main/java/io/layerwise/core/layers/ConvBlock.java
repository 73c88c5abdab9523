package io.layerwise.core.layers;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A convolution (or transposed one), a rectifier ({@code relu} or {@code leaky-relu} with a slope in [0, 1]) and
 * batch-norm, run together in float32 by {@link Sequential}: the layers' own parameters, gradients and running
 * statistics, the same arithmetic, fewer passes over memory. The convolution's product stays channel-major
 * ({@code [filters][n positions]}, as its GEMM writes it): one pass adds the bias and rectifies in place, batch-norm's
 * statistics and normalisation then run over one contiguous row per channel, and only the normalised output is written
 * as images. Backward reads the output gradient as images, writes batch-norm's input gradient times the rectifier's
 * derivative (1 where the rectified value is positive, else the slope: for a slope >= 0 that is where its input is
 * positive) channel-major, where the convolution's backward GEMMs take it as it is. Apart from the order of a sum
 * nothing changes: {@code FastPathTest} checks the block against the three layers run one by one.
 */
final class ConvBlock {
    private final ChannelProduct conv;
    private final float slope;
    private final BatchNorm norm;
    private float[] outHeap;
    private float[] dyHeap;
    private float[] dzHeap;
    private float[] rectified;
    private INDArray y;

    private ConvBlock(ChannelProduct conv, float slope, BatchNorm norm) {
        this.conv = conv;
        this.slope = slope;
        this.norm = norm;
    }

    /** The block of the three layers from {@code layers.get(i)}, or null when they are not one. */
    static ConvBlock at(List<Layer> layers, int i) {
        if (i + 2 >= layers.size() || !(layers.get(i) instanceof ChannelProduct conv)
                || !(layers.get(i + 1) instanceof Activate act) || !(layers.get(i + 2) instanceof BatchNorm norm)
                || act.rectifierSlope() < 0 || act.rectifierSlope() > 1) {
            return null;
        }
        return new ConvBlock(conv, (float) act.rectifierSlope(), norm);
    }

    /** The batch-norm's output for {@code x}: {@code norm(rectify(conv(x)))}. */
    INDArray forward(INDArray x, boolean training) {
        int n = (int) x.size(0);
        Shape out = conv.output();
        int f = out.channels();
        int m = out.height() * out.width();
        float[] z = conv.product(x);
        float[] b = conv.biasValues();
        Split.run(f, (long) f * n * m, (ch0, ch1) -> {
            for (int ch = ch0; ch < ch1; ch++) {
                float bc = b[ch];
                for (int t = ch * n * m, end = t + n * m; t < end; t++) {
                    float v = z[t] + bc;
                    z[t] = Kernels.rectify(v, slope);
                }
            }
        });
        Kernels.Layout channels = Kernels.Layout.channels(n, f, m);
        if (training) {
            norm.batchStatistics(z, channels, n);
            rectified = z;
        } else {
            norm.runningStatistics();
        }
        outHeap = Floats.work(outHeap, n * out.size());
        norm.normalise(z, channels, n, outHeap, Kernels.Layout.images(n, f, m), training);
        INDArray result = training ? (y = Floats.reuse(y, out.batch(n))) : Floats.reuse(null, out.batch(n));
        Floats.write(outHeap, result);
        return result;
    }

    /**
     * Backward through the three layers of the training pass just run, from the gradient with respect to the
     * output; the gradient with respect to the input, or null when {@code inputGradient} is false.
     */
    INDArray backward(INDArray dy, boolean inputGradient) {
        int n = (int) dy.size(0);
        Shape out = conv.output();
        int m = out.height() * out.width();
        dyHeap = Floats.read(dy, dyHeap);
        dzHeap = Floats.work(dzHeap, dyHeap.length);
        norm.gradient(dyHeap, Kernels.Layout.images(n, out.channels(), m), n, rectified, slope, dzHeap);
        return conv.backwardProduct(n, dzHeap, inputGradient);
    }

    void close() {
        if (y != null && !y.wasClosed()) {
            y.close();
        }
    }
}
