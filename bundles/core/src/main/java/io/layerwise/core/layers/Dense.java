package io.layerwise.core.layers;

import io.layerwise.core.nn.Level3;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected layer (PyTorch's Linear) on the flattened sample: {@code y = x W^T + b}; backward
 * {@code dW = dy^T x}, {@code db = sum dy}, {@code dx = dy W}. Weight [units, inputs], bias [units].
 */
public final class Dense extends WeightedLayer {

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
        long n = x.size(0);
        INDArray y = Nd4j.create(x.dataType(), n, out.channels());
        Level3.gemm(Patches.view(x, n, in.size()), weight, y, false, true, 1.0, 0.0);
        y.addiRowVector(bias);
        return y.reshape('c', out.batch(n));
    }

    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
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
