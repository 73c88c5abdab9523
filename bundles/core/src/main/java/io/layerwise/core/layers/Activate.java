package io.layerwise.core.layers;

import io.layerwise.core.nn.Logistic;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.LeakyReLUDerivative;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An element-wise activation: {@code relu} max(0, x); {@code leaky-relu} x for x > 0, else {@code slope} x;
 * {@code tanh} (derivative 1 - y^2); {@code sigmoid} 1 / (1 + e^-x) (derivative y (1 - y)); {@code identity}.
 * Float32 runs the rectifiers as one libnd4j op into an array kept between minibatches (vectorised native loops: a
 * Java loop under C1 took three times as long on the W5 shapes), their derivative as two such ops, tanh and sigmoid
 * as {@link Logistic}'s loops (which C2 vectorises) and their derivatives as one Java loop over heap copies; float64
 * runs ND4J ops that allocate their outputs (the plain path the fast one is tested against).
 */
public final class Activate extends ShapedLayer {
    /** The JSON kinds this layer takes. */
    public static final java.util.List<String> KINDS = java.util.List.of("relu", "leaky-relu", "tanh", "sigmoid",
            "identity");

    private final String kind;
    private final double slope;
    // float32 path: heap work arrays, the training output and the input gradient, reused while the batch size stays
    private float[] xHeap;
    private float[] dyHeap;
    private float[] outHeap;
    private INDArray y;
    private INDArray dx;

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

    /** The slope of a rectifier ({@code relu} 0, {@code leaky-relu} its slope); -1 for the other kinds. */
    double rectifierSlope() {
        return "relu".equals(kind) || "leaky-relu".equals(kind) ? slope : -1;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        if (!Floats.fast(x) || "identity".equals(kind)) {
            return plainForward(x);
        }
        INDArray result = training ? (y = Floats.reuse(y, x.shape())) : Floats.reuse(null, x.shape());
        switch (kind) {
            case "tanh" -> tanh(x, result);
            case "sigmoid" -> Logistic.sigmoid(x, result);
            default -> Nd4j.exec(new LeakyReLU(x, result, slope));
        }
        return result;
    }

    /**
     * tanh as {@link Logistic#tanh}'s loop over heap copies, on both cores: libnd4j's op took about 0.6 ms of a W5 step
     * for the decoder's output. libnd4j's op under {@code -Dlayerwise.logisticKernels=false}.
     */
    private void tanh(INDArray x, INDArray result) {
        if (!Logistic.enabled()) {
            Nd4j.exec(new Tanh(x, result));
            return;
        }
        float[] in = xHeap = Floats.read(x, xHeap);
        float[] out = outHeap = Floats.work(outHeap, in.length);
        Split.run(in.length, in.length, (from, to) -> Logistic.tanh(in, out, from, to));
        Floats.write(out, result);
    }

    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        if (!Floats.fast(x) || "identity".equals(kind)) {
            return plainBackward(x, y, dy);
        }
        dx = Floats.reuse(dx, x.shape());
        if (!"tanh".equals(kind) && !"sigmoid".equals(kind)) {
            Nd4j.exec(new LeakyReLUDerivative(x, dx, slope));
            return dx.muli(dy);
        }
        dyHeap = Floats.read(dy, dyHeap);
        xHeap = Floats.read(y, xHeap);
        if ("tanh".equals(kind)) {
            for (int i = 0; i < xHeap.length; i++) {
                float v = xHeap[i];
                dyHeap[i] *= 1 - v * v;
            }
        } else {
            for (int i = 0; i < xHeap.length; i++) {
                float v = xHeap[i];
                dyHeap[i] *= v * (1 - v);
            }
        }
        Floats.write(dyHeap, dx);
        return dx;
    }

    private INDArray plainForward(INDArray x) {
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

    private INDArray plainBackward(INDArray x, INDArray y, INDArray dy) {
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

    @Override
    public void close() {
        Patches.live(y, dx).forEach(INDArray::close);
    }
}
