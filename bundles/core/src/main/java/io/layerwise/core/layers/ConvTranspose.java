package io.layerwise.core.layers;

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
 * dP_i^T}. Weight [channels in, filters, k, k], bias [filters].
 */
public final class ConvTranspose implements Layer {
    private final Shape in;
    private final Shape out;
    private final int k;
    private final int stride;
    private final int padding;
    private final INDArray weight;
    private final INDArray bias;
    private final INDArray gradWeight;
    private final INDArray gradBias;
    private INDArray cols;

    static Shape output(Shape in, int filters, int k, int stride, int padding, int outputPadding) {
        return Shape.image(filters, (in.height() - 1) * stride - 2 * padding + k + outputPadding,
                (in.width() - 1) * stride - 2 * padding + k + outputPadding);
    }

    public ConvTranspose(Shape in, int filters, int k, int stride, int padding, int outputPadding, DataType type,
            SplittableRandom random) {
        this.in = in;
        this.out = output(in, filters, k, stride, padding, outputPadding);
        this.k = k;
        this.stride = stride;
        this.padding = padding;
        // PyTorch takes the fan-in of a transposed convolution from the weight's second dimension
        int fanIn = filters * k * k;
        this.weight = Patches.uniform(random, fanIn, type, in.channels(), filters, k, k);
        this.bias = Patches.uniform(random, fanIn, type, filters);
        this.gradWeight = Nd4j.create(type, weight.shape());
        this.gradBias = Nd4j.create(type, bias.shape());
    }

    static long parameterCount(Shape in, int filters, int k) {
        return (long) filters * in.channels() * k * k + filters;
    }

    @Override
    public String kind() {
        return "conv-transpose";
    }

    @Override
    public Shape input() {
        return in;
    }

    @Override
    public Shape output() {
        return out;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        long n = x.size(0);
        int patch = out.channels() * k * k;
        int positions = in.height() * in.width();
        cols = Patches.work(cols, x.dataType(), n, out.channels(), k, k, in.height(), in.width());
        Patches.gemmEach(Patches.view(weight, in.channels(), patch), Patches.view(x, n, in.channels(), positions),
                Patches.view(cols, n, patch, positions), true, false, 0.0);
        INDArray y = Nd4j.create(x.dataType(), out.batch(n));
        Patches.col2im(cols, stride, padding, y);
        Patches.addChannelBias(y, bias);
        return y;
    }

    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        long n = x.size(0);
        int patch = out.channels() * k * k;
        int positions = in.height() * in.width();
        // cols is free again after forward: reuse it for im2col(dy), which has the same shape
        Patches.im2col(dy, k, stride, padding, cols);
        INDArray cols3 = Patches.view(cols, n, patch, positions);
        INDArray x3 = Patches.view(x, n, in.channels(), positions);
        Patches.gemmSum(x3, cols3, Patches.view(gradWeight, in.channels(), patch), false, true);
        Patches.channelSums(dy, gradBias);
        INDArray dx = Nd4j.create(x.dataType(), in.batch(n));
        Patches.gemmEach(Patches.view(weight, in.channels(), patch), cols3, Patches.view(dx, n, in.channels(), positions),
                false, false, 0.0);
        return dx;
    }

    @Override
    public List<INDArray> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public List<INDArray> gradients() {
        return List.of(gradWeight, gradBias);
    }

    @Override
    public List<String> parameterNames() {
        return List.of("weight", "bias");
    }

    @Override
    public void close() {
        Layer.super.close();
        Patches.live(cols).forEach(INDArray::close);
    }
}
