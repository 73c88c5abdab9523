package io.layerwise.core.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code flatten} (to a flat vector) or {@code reshape} (to {@code [channels, height, width]}): the same values. */
public final class Reshape extends ShapedLayer {
    private final String kind;

    public Reshape(String kind, Shape in, Shape out) {
        super(in, out);
        if (in.size() != out.size()) {
            throw new IllegalArgumentException(kind + ": " + in + " holds " + in.size() + " values, " + out + " "
                    + out.size());
        }
        this.kind = kind;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        return x.reshape('c', out.batch(x.size(0)));
    }

    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        return dy.reshape('c', in.batch(dy.size(0)));
    }
}
