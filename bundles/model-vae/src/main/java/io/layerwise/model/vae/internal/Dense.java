package io.layerwise.model.vae.internal;

import io.layerwise.core.nn.Activation;
import io.layerwise.core.nn.Level3;
import io.layerwise.core.nn.NdArrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One affine layer with an element-wise activation on row-major minibatches, {@code y = f(x W + b)}, and its
 * gradients: with {@code dU = dE/dy * f'(u)}, {@code dW = x^T dU}, {@code db = 1^T dU}, {@code dE/dx = dU W^T}. Every
 * product is a {@link Level3#gemm} into arrays the caller preallocated.
 */
final class Dense implements AutoCloseable {
    final String weightName;
    final String biasName;
    final Activation activation;
    final INDArray w;
    final INDArray b;
    final INDArray gW;
    final INDArray gB;

    /**
     * PyTorch's default for {@code nn.Linear} (the VAE anchor's): {@code W} and {@code b} uniform in
     * {@code [-1/sqrt(in), 1/sqrt(in))}, drawn on the heap from {@code rng}, so the values depend on the seed only.
     */
    Dense(String weightName, String biasName, int in, int out, Activation activation, SplittableRandom rng,
            DataType type) {
        this.weightName = weightName;
        this.biasName = biasName;
        this.activation = activation;
        double r = 1 / Math.sqrt(in);
        this.w = NdArrays.draw(in, out, type, () -> (2 * rng.nextDouble() - 1) * r);
        this.b = NdArrays.draw(1, out, type, () -> (2 * rng.nextDouble() - 1) * r);
        this.gW = Nd4j.zeros(type, in, out);
        this.gB = Nd4j.zeros(type, 1, out);
    }

    int inputs() {
        return (int) w.rows();
    }

    int outputs() {
        return (int) w.columns();
    }

    /** {@code y <- f(x W + b)}; {@code ones} is a row of B ones. */
    INDArray forward(INDArray x, INDArray y, INDArray ones) {
        Level3.gemmPlusRow(x, w, y, false, false, b, ones);
        activation.applyInPlace(y);
        return y;
    }

    /**
     * Writes {@code dW} and {@code db} and, when {@code dx} is not null, {@code dx <- dU W^T + beta dx}.
     *
     * @param dy      {@code dE/dy}, overwritten by {@code dU}
     * @param scratch shaped like {@code y}, overwritten
     */
    void backward(INDArray x, INDArray y, INDArray dy, INDArray scratch, INDArray ones, INDArray dx, double beta) {
        activation.multiplyDerivative(y, dy, scratch);
        Level3.gemm(x, dy, gW, true, false, 1.0, 0.0);
        Level3.gemm(ones, dy, gB, false, false, 1.0, 0.0);
        if (dx != null) {
            Level3.gemm(dy, w, dx, false, true, 1.0, beta);
        }
    }

    @Override
    public void close() {
        NdArrays.close(w, b, gW, gB);
    }
}
