package io.layerwise.core.layers;

import io.layerwise.core.nn.Level3;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected layer (PyTorch's Linear) on the flattened sample: {@code y = x W^T + b}; backward
 * {@code dW = dy^T x}, {@code db = sum dy}, {@code dx = dy W}. Weight [units, inputs], bias [units]. Float32 runs
 * the bias as GEMMs with a column of ones ({@link Level3#gemmPlusRow}, {@code db = ones^T dy}) into arrays kept between
 * minibatches; float64 runs ND4J's row-vector ops (the plain path the fast one is tested against).
 */
public final class Dense extends WeightedLayer {

    // float32 path: a column of n ones, the output and the input gradient as matrices and as batches of samples
    private INDArray ones;
    private INDArray y;
    private INDArray yBatch;
    private INDArray dx;
    private INDArray dxBatch;

    public Dense(Shape in, int units, DataType type, SplittableRandom random) {
        super(in, Shape.vector(units), Patches.uniform(random, in.size(), type, units, in.size()),
                Patches.uniform(random, in.size(), type, 1, units));
    }

    static long parameterCount(Shape in, int units) {
        return (long) units * in.size() + units;
    }

    @Override
    public String kind() {
        return "dense";
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        if (!Floats.fast(x)) {
            return plainForward(x);
        }
        long n = x.size(0);
        ones(n);
        INDArray result;
        if (training) {
            if (y == null || y.size(0) != n) {
                y = Floats.reuse(null, n, out.channels());
                yBatch = y.reshape('c', out.batch(n));
            }
            result = y;
        } else {
            result = Floats.reuse(null, n, out.channels());
        }
        Level3.gemmPlusRow(Patches.view(x, n, in.size()), weight, result, false, true, bias, ones);
        return training ? yBatch : result.reshape('c', out.batch(n));
    }

    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        if (!Floats.fast(x)) {
            return plainBackward(x, dy);
        }
        long n = x.size(0);
        ones(n);
        INDArray dy2 = Patches.view(dy, n, out.channels());
        Level3.gemm(dy2, Patches.view(x, n, in.size()), gradWeight, true, false, 1.0, 0.0);
        Level3.gemm(ones, dy2, gradBias, true, false, 1.0, 0.0);
        if (dx == null || dx.size(0) != n) {
            dx = Floats.reuse(null, n, in.size());
            dxBatch = dx.reshape('c', in.batch(n));
        }
        Level3.gemm(dy2, weight, dx, false, false, 1.0, 0.0);
        return dxBatch;
    }

    private void ones(long n) {
        if (ones == null || ones.size(0) != n) {
            ones = Nd4j.ones(DataType.FLOAT, n, 1);
        }
    }

    private INDArray plainForward(INDArray x) {
        long n = x.size(0);
        INDArray y = Nd4j.create(x.dataType(), n, out.channels());
        Level3.gemm(Patches.view(x, n, in.size()), weight, y, false, true, 1.0, 0.0);
        y.addiRowVector(bias);
        return y.reshape('c', out.batch(n));
    }

    private INDArray plainBackward(INDArray x, INDArray dy) {
        long n = x.size(0);
        INDArray dy2 = Patches.view(dy, n, out.channels());
        INDArray x2 = Patches.view(x, n, in.size());
        Level3.gemm(dy2, x2, gradWeight, true, false, 1.0, 0.0);
        gradBias.assign(dy2.sum(true, 0));
        INDArray dx = Nd4j.create(x.dataType(), n, in.size());
        Level3.gemm(dy2, weight, dx, false, false, 1.0, 0.0);
        return dx.reshape('c', in.batch(n));
    }
}
