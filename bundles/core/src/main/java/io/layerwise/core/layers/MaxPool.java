package io.layerwise.core.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling over {@code size} x {@code size} windows taken every {@code stride} positions (no padding), output
 * side {@code (h - size) / stride + 1}; the gradient flows to the maximum of each window. libnd4j's
 * {@code maxpool2d} and {@code maxpool2d_bp}; float32 writes into arrays kept between minibatches (a Java loop with an
 * argmax buffer took longer under the launcher's C1 compiler than the native op), float64 allocates them.
 */
public final class MaxPool extends ShapedLayer {
    private final int size;
    private final int stride;
    // float32 path: the output of the last training pass and the input gradient, kept between minibatches
    private INDArray y;
    private INDArray dx;

    static Shape output(Shape in, int size, int stride) {
        return Shape.image(in.channels(), (in.height() - size) / stride + 1, (in.width() - size) / stride + 1);
    }

    public MaxPool(Shape in, int size, int stride) {
        super(in, output(in, size, stride));
        this.size = size;
        this.stride = stride;
    }

    @Override
    public String kind() {
        return "max-pool";
    }

    private int[] arguments() {
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, extra parameter (unused by max), NHWC
        return new int[] {size, size, stride, stride, 0, 0, 1, 1, 0, 0, 0};
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        if (!Floats.fast(x)) {
            return plainForward(x);
        }
        INDArray result = training ? (y = Floats.reuse(y, out.batch(x.size(0)))) : Floats.reuse(null, out.batch(x.size(0)));
        return pool(x, result);
    }

    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        if (!Floats.fast(x)) {
            return plainBackward(x, dy);
        }
        dx = Floats.reuse(dx, in.batch(x.size(0)));
        return poolGradient(x, dy, dx);
    }

    private INDArray plainForward(INDArray x) {
        return pool(x, Nd4j.create(x.dataType(), out.batch(x.size(0))));
    }

    private INDArray pool(INDArray x, INDArray into) {
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(x).addOutputs(into).addIntegerArguments(arguments())
                .build());
        return into;
    }

    private INDArray plainBackward(INDArray x, INDArray dy) {
        return poolGradient(x, dy, Nd4j.create(x.dataType(), in.batch(x.size(0))));
    }

    /** libnd4j's maxpool2d_bp writes every value of {@code into} (zero off the maxima), so a kept array will do. */
    private INDArray poolGradient(INDArray x, INDArray dy, INDArray into) {
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(x, dy).addOutputs(into)
                .addIntegerArguments(arguments()).build());
        return into;
    }

    @Override
    public void close() {
        Patches.live(y, dx).forEach(INDArray::close);
    }
}
