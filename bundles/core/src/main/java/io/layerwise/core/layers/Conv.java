package io.layerwise.core.layers;

import io.layerwise.core.nn.Level3;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 2-D convolution (cross-correlation, as PyTorch's Conv2d) with {@code filters} kernels of k x k, stride s and zero
 * padding p: {@code y[f, i, j] = b[f] + sum_{c,u,v} W[f, c, u, v] x[c, s i + u - p, s j + v - p]}, output side
 * {@code (h + 2p - k) / s + 1}. As im2col + GEMM: the patches P [c k k, oh ow] of each sample give
 * {@code Y = W P}; backward {@code dW = sum_i dY_i P_i^T}, {@code dP = W^T dY}, {@code dx = col2im(dP)}.
 * Weight [filters, channels, k, k], bias [filters].
 */
public final class Conv extends WeightedLayer {
    private final int k;
    private final int stride;
    private final int padding;
    private INDArray cols;
    private INDArray patchMatrix;

    /** The output shape for this input; the caller ({@link LayerSpecs}) has checked that it is positive. */
    static Shape output(Shape in, int filters, int k, int stride, int padding) {
        return Shape.image(filters, (in.height() + 2 * padding - k) / stride + 1,
                (in.width() + 2 * padding - k) / stride + 1);
    }

    public Conv(Shape in, int filters, int k, int stride, int padding, DataType type, SplittableRandom random) {
        super(in, output(in, filters, k, stride, padding),
                Patches.uniform(random, in.channels() * k * k, type, filters, in.channels(), k, k),
                Patches.uniform(random, in.channels() * k * k, type, filters));
        this.k = k;
        this.stride = stride;
        this.padding = padding;
    }

    static long parameterCount(Shape in, int filters, int k) {
        return (long) filters * in.channels() * k * k + filters;
    }

    @Override
    public String kind() {
        return "conv";
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        long n = x.size(0);
        int patch = in.channels() * k * k;
        int positions = out.height() * out.width();
        cols = Patches.work(cols, x.dataType(), n, in.channels(), k, k, out.height(), out.width());
        Patches.im2col(x, k, stride, padding, cols);
        // one GEMM for the batch: W [f, c k k] times the patches of all samples [c k k, n positions]
        patchMatrix = Patches.sampleTo(cols, 3).reshape('c', patch, n * positions);
        INDArray z = Nd4j.create(x.dataType(), out.channels(), n * positions);
        Level3.gemm(Patches.view(weight, out.channels(), patch), patchMatrix, z, false, false, 1.0, 0.0);
        INDArray y = Patches.sampleFrom(z.reshape('c', out.channels(), n, out.height(), out.width()), 1);
        Patches.addChannelBias(y, bias);
        return y;
    }

    /** Needs the patches of the forward pass just run on {@code x}. */
    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        long n = x.size(0);
        int patch = in.channels() * k * k;
        int positions = out.height() * out.width();
        INDArray dz = Patches.sampleTo(dy, 1).reshape('c', out.channels(), n * positions);
        Level3.gemm(dz, patchMatrix, Patches.view(gradWeight, out.channels(), patch), false, true, 1.0, 0.0);
        Patches.channelSums(dy, gradBias);
        INDArray dp = Nd4j.create(x.dataType(), patch, n * positions);
        Level3.gemm(Patches.view(weight, out.channels(), patch), dz, dp, true, false, 1.0, 0.0);
        INDArray gradCols = Patches.sampleFrom(dp.reshape('c', in.channels(), k, k, n, out.height(), out.width()), 3);
        INDArray dx = Nd4j.create(x.dataType(), in.batch(n));
        Patches.col2im(gradCols, stride, padding, dx);
        return dx;
    }

    @Override
    public void close() {
        super.close();
        Patches.live(cols).forEach(INDArray::close);
    }
}
