package io.layerwise.core.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.LeakyReLUDerivative;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An element-wise activation: {@code relu} max(0, x); {@code leaky-relu} x for x > 0, else {@code slope} x;
 * {@code tanh} (derivative 1 - y^2); {@code sigmoid} 1 / (1 + e^-x) (derivative y (1 - y)); {@code identity}.
 */
public final class Activate extends ShapedLayer {
    /** The JSON kinds this layer takes. */
    public static final java.util.List<String> KINDS = java.util.List.of("relu", "leaky-relu", "tanh", "sigmoid",
            "identity");

    private final String kind;
    private final double slope;

    /** {@code slope} applies to leaky-relu only (relu is leaky-relu with slope 0). */
    public Activate(String kind, Shape in, double slope) {
        super(in, in);
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown activation \"" + kind + "\"; known: " + KINDS);
        }
        this.kind = kind;
        this.slope = "relu".equals(kind) ? 0.0 : slope;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        switch (kind) {
            case "relu", "leaky-relu" -> {
                INDArray y = x.ulike();
                Nd4j.exec(new LeakyReLU(x, y, slope));
                return y;
            }
            case "tanh" -> {
                return Transforms.tanh(x, true);
            }
            case "sigmoid" -> {
                return Transforms.sigmoid(x, true);
            }
            default -> {
                return x;
            }
        }
    }

    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        switch (kind) {
            case "relu", "leaky-relu" -> {
                INDArray d = x.ulike();
                Nd4j.exec(new LeakyReLUDerivative(x, d, slope));
                return d.muli(dy);
            }
            case "tanh" -> {
                return y.mul(y).rsubi(1).muli(dy);
            }
            case "sigmoid" -> {
                return y.rsub(1).muli(y).muli(dy);
            }
            default -> {
                return dy;
            }
        }
    }
}
