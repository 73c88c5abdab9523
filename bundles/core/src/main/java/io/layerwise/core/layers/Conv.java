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
 * Weight [filters, channels, k, k], bias [filters]. Float32 runs the patch matrices and the layout changes as Java
 * loops ({@link Kernels}) with one cblas_sgemm per product, buffers kept from one minibatch to the next; float64 runs
 * libnd4j's im2col / col2im and permute copies (the plain path the fast one is tested against).
 */
public final class Conv extends WeightedLayer implements ChannelProduct {
    private final int k;
    private final int stride;
    private final int padding;
    private INDArray cols;
    private INDArray patchMatrix;
    // float32 path: heap work arrays and native GEMM operands, reused while the batch size stays
    private float[] xHeap;
    private float[] colsHeap;
    private float[] zHeap;
    private float[] yHeap;
    private float[] dyHeap;
    private float[] dzHeap;
    private float[] dxHeap;
    private final float[] biasHeap;
    // the weight and its gradient as the GEMMs' matrices: views made once (the optimizer updates them in place)
    private final INDArray weightMatrix;
    private final INDArray gradWeightMatrix;
    private INDArray z;
    private INDArray y;
    private INDArray dz;
    private INDArray dp;
    private INDArray dx;

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
        this.biasHeap = new float[filters];
        this.weightMatrix = Patches.view(weight, filters, in.channels() * k * k);
        this.gradWeightMatrix = Patches.view(gradWeight, filters, in.channels() * k * k);
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
        if (!Floats.fast(x)) {
            return plainForward(x);
        }
        int n = (int) x.size(0);
        int f = out.channels();
        float[] product = product(x);
        yHeap = Floats.work(yHeap, f * n * out.height() * out.width());
        Kernels.toSamples(product, f, n, out.height() * out.width(), Floats.read(bias, biasHeap), yHeap);
        INDArray result = training ? (y = Floats.reuse(y, out.batch(n))) : Floats.reuse(null, out.batch(n));
        Floats.write(yHeap, result);
        return result;
    }

    @Override
    public float[] product(INDArray x) {
        int n = (int) x.size(0);
        int c = in.channels();
        int f = out.channels();
        int patch = c * k * k;
        int columns = n * out.height() * out.width();
        xHeap = Floats.read(x, xHeap);
        colsHeap = Floats.work(colsHeap, patch * columns);
        Kernels.im2col(xHeap, n, c, in.height(), in.width(), k, stride, padding, out.height(), out.width(), colsHeap);
        patchMatrix = Floats.reuse(patchMatrix, patch, columns);
        Floats.write(colsHeap, patchMatrix);
        z = Floats.reuse(z, f, columns);
        Level3.gemm(weightMatrix, patchMatrix, z, false, false, 1.0, 0.0);
        zHeap = Floats.read(z, zHeap);
        return zHeap;
    }

    @Override
    public float[] biasValues() {
        return Floats.read(bias, biasHeap);
    }

    /** Needs the patches of the forward pass just run on {@code x}. */
    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        if (!Floats.fast(x)) {
            return plainBackward(x, dy);
        }
        int n = (int) x.size(0);
        int f = out.channels();
        int positions = out.height() * out.width();
        dyHeap = Floats.read(dy, dyHeap);
        dzHeap = Floats.work(dzHeap, f * n * positions);
        Kernels.toChannels(dyHeap, n, f, positions, dzHeap);
        return backwardProduct(n, dzHeap, true);
    }

    @Override
    public INDArray backwardProduct(int n, float[] dzValues, boolean inputGradient) {
        int c = in.channels();
        int f = out.channels();
        int patch = c * k * k;
        int positions = out.height() * out.width();
        int columns = n * positions;
        Kernels.channelSums(dzValues, Kernels.Layout.channels(n, f, positions), n, f, positions, biasHeap);
        Floats.write(biasHeap, gradBias);
        dz = Floats.reuse(dz, f, columns);
        Floats.write(dzValues, dz);
        Level3.gemm(dz, patchMatrix, gradWeightMatrix, false, true, 1.0, 0.0);
        if (!inputGradient) {
            return null;
        }
        dp = Floats.reuse(dp, patch, columns);
        Level3.gemm(weightMatrix, dz, dp, true, false, 1.0, 0.0);
        colsHeap = Floats.read(dp, colsHeap);
        dxHeap = Floats.work(dxHeap, n * in.size());
        Kernels.col2im(colsHeap, n, c, in.height(), in.width(), k, stride, padding, out.height(), out.width(), dxHeap);
        dx = Floats.reuse(dx, in.batch(n));
        Floats.write(dxHeap, dx);
        return dx;
    }

    private INDArray plainForward(INDArray x) {
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

    private INDArray plainBackward(INDArray x, INDArray dy) {
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
        Patches.live(cols, patchMatrix, z, y, dz, dp, dx).forEach(INDArray::close);
    }
}
