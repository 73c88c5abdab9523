package io.layerwise.core.layers;

import io.layerwise.core.nn.Level3;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A transposed 2-D convolution (PyTorch's ConvTranspose2d), the adjoint of {@link Conv} in its input: every input
 * value scatters {@code x[c, i, j] W[c, f, :, :]} onto the window at {@code (s i - p, s j - p)} of the output, whose
 * side is {@code (h - 1) s - 2p + k + outputPadding}. As GEMM + col2im: {@code P = W^T X} ([f k k, h w] per
 * sample), {@code y = col2im(P) + b}; backward {@code dP = im2col(dy)}, {@code dX = W dP}, {@code dW = sum_i X_i
 * dP_i^T}. Weight [channels in, filters, k, k], bias [filters]. Float32 runs col2im / im2col and the layout changes
 * as Java loops ({@link Kernels}) with one cblas_sgemm per product, buffers kept from one minibatch to the next;
 * float64 runs libnd4j's ops (the plain path the fast one is tested against).
 */
public final class ConvTranspose extends WeightedLayer implements ChannelProduct {
    private final int k;
    private final int stride;
    private final int padding;
    private INDArray cols;
    // float32 path: heap work arrays and native GEMM operands, reused while the batch size stays
    private float[] xHeap;
    private float[] xsHeap;
    private float[] pHeap;
    private float[] yHeap;
    private float[] productHeap;
    private float[] dyHeap;
    private final float[] biasHeap;
    // the weight and its gradient as the GEMMs' matrices: views made once (the optimizer updates them in place)
    private final INDArray weightMatrix;
    private final INDArray gradWeightMatrix;
    private INDArray xs;
    private INDArray p;
    private INDArray y;
    private INDArray dp;
    private INDArray dxs;
    private INDArray dx;

    static Shape output(Shape in, int filters, int k, int stride, int padding, int outputPadding) {
        return Shape.image(filters, (in.height() - 1) * stride - 2 * padding + k + outputPadding,
                (in.width() - 1) * stride - 2 * padding + k + outputPadding);
    }

    public ConvTranspose(Shape in, int filters, int k, int stride, int padding, int outputPadding, DataType type,
            SplittableRandom random) {
        // PyTorch takes the fan-in of a transposed convolution from the weight's second dimension
        super(in, output(in, filters, k, stride, padding, outputPadding),
                Patches.uniform(random, filters * k * k, type, in.channels(), filters, k, k),
                Patches.uniform(random, filters * k * k, type, filters));
        this.k = k;
        this.stride = stride;
        this.padding = padding;
        this.biasHeap = new float[filters];
        this.weightMatrix = Patches.view(weight, in.channels(), filters * k * k);
        this.gradWeightMatrix = Patches.view(gradWeight, in.channels(), filters * k * k);
    }

    static long parameterCount(Shape in, int filters, int k) {
        return (long) filters * in.channels() * k * k + filters;
    }

    @Override
    public String kind() {
        return "conv-transpose";
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        if (!Floats.fast(x)) {
            return plainForward(x);
        }
        int n = (int) x.size(0);
        int f = out.channels();
        int m = out.height() * out.width();
        float[] product = product(x);
        yHeap = Floats.work(yHeap, n * out.size());
        Kernels.toSamples(product, f, n, m, Floats.read(bias, biasHeap), yHeap);
        INDArray result = training ? (y = Floats.reuse(y, out.batch(n))) : Floats.reuse(null, out.batch(n));
        Floats.write(yHeap, result);
        return result;
    }

    /** {@code col2im(W^T X)} without the bias, written channel-major. */
    @Override
    public float[] product(INDArray x) {
        int n = (int) x.size(0);
        int c = in.channels();
        int f = out.channels();
        int patch = f * k * k;
        int positions = in.height() * in.width();
        int columns = n * positions;
        xHeap = Floats.read(x, xHeap);
        xsHeap = Floats.work(xsHeap, c * columns);
        Kernels.toChannels(xHeap, n, c, positions, xsHeap);
        xs = Floats.reuse(xs, c, columns);
        Floats.write(xsHeap, xs);
        p = Floats.reuse(p, patch, columns);
        Level3.gemm(weightMatrix, xs, p, true, false, 1.0, 0.0);
        pHeap = Floats.read(p, pHeap);
        int m = out.height() * out.width();
        productHeap = Floats.work(productHeap, n * out.size());
        Kernels.col2im(pHeap, n, f, out.height(), out.width(), k, stride, padding, in.height(), in.width(),
                productHeap, Kernels.Layout.channels(n, f, m));
        return productHeap;
    }

    @Override
    public float[] biasValues() {
        return Floats.read(bias, biasHeap);
    }

    /** Needs the inputs laid out by the forward pass just run on {@code x}. */
    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        if (!Floats.fast(x)) {
            return plainBackward(x, dy);
        }
        int n = (int) x.size(0);
        dyHeap = Floats.read(dy, dyHeap);
        return backwardFrom(n, dyHeap, Kernels.Layout.images(n, out.channels(), out.height() * out.width()), true);
    }

    @Override
    public INDArray backwardProduct(int n, float[] dz, boolean inputGradient) {
        return backwardFrom(n, dz, Kernels.Layout.channels(n, out.channels(), out.height() * out.width()),
                inputGradient);
    }

    /** Backward from the output gradient {@code dy} laid out as {@code layout}: im2col reads either layout. */
    private INDArray backwardFrom(int n, float[] dy, Kernels.Layout layout, boolean inputGradient) {
        int c = in.channels();
        int f = out.channels();
        int patch = f * k * k;
        int positions = in.height() * in.width();
        int columns = n * positions;
        Kernels.channelSums(dy, layout, n, f, out.height() * out.width(), biasHeap);
        Floats.write(biasHeap, gradBias);
        pHeap = Floats.work(pHeap, patch * columns);
        Kernels.im2col(dy, layout, n, f, out.height(), out.width(), k, stride, padding, in.height(), in.width(), pHeap);
        dp = Floats.reuse(dp, patch, columns);
        Floats.write(pHeap, dp);
        Level3.gemm(xs, dp, gradWeightMatrix, false, true, 1.0, 0.0);
        if (!inputGradient) {
            return null;
        }
        dxs = Floats.reuse(dxs, c, columns);
        Level3.gemm(weightMatrix, dp, dxs, false, false, 1.0, 0.0);
        xsHeap = Floats.read(dxs, xsHeap);
        Kernels.toSamples(xsHeap, c, n, positions, null, xHeap);
        dx = Floats.reuse(dx, in.batch(n));
        Floats.write(xHeap, dx);
        return dx;
    }

    private INDArray plainForward(INDArray x) {
        long n = x.size(0);
        int patch = out.channels() * k * k;
        int positions = in.height() * in.width();
        // one GEMM for the batch: W^T [f k k, c] times all samples' inputs [c, n positions]
        INDArray xs = Patches.sampleTo(x, 1).reshape('c', in.channels(), n * positions);
        INDArray p = Nd4j.create(x.dataType(), patch, n * positions);
        Level3.gemm(Patches.view(weight, in.channels(), patch), xs, p, true, false, 1.0, 0.0);
        INDArray scattered = Patches.sampleFrom(p.reshape('c', out.channels(), k, k, n, in.height(), in.width()), 3);
        INDArray y = Nd4j.create(x.dataType(), out.batch(n));
        Patches.col2im(scattered, stride, padding, y);
        Patches.addChannelBias(y, bias);
        return y;
    }

    private INDArray plainBackward(INDArray x, INDArray dy) {
        long n = x.size(0);
        int patch = out.channels() * k * k;
        int positions = in.height() * in.width();
        cols = Patches.work(cols, x.dataType(), n, out.channels(), k, k, in.height(), in.width());
        Patches.im2col(dy, k, stride, padding, cols);
        INDArray dp = Patches.sampleTo(cols, 3).reshape('c', patch, n * positions);
        INDArray xs = Patches.sampleTo(x, 1).reshape('c', in.channels(), n * positions);
        Level3.gemm(xs, dp, Patches.view(gradWeight, in.channels(), patch), false, true, 1.0, 0.0);
        Patches.channelSums(dy, gradBias);
        INDArray dxs = Nd4j.create(x.dataType(), in.channels(), n * positions);
        Level3.gemm(Patches.view(weight, in.channels(), patch), dp, dxs, false, false, 1.0, 0.0);
        INDArray dx = Patches.sampleFrom(dxs.reshape('c', in.channels(), n, in.height(), in.width()), 1);
        return dx;
    }

    @Override
    public void close() {
        super.close();
        Patches.live(cols, xs, p, y, dp, dxs, dx).forEach(INDArray::close);
    }
}
