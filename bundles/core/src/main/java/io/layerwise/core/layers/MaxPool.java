package io.layerwise.core.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling over {@code size} x {@code size} windows taken every {@code stride} positions (no padding), output
 * side {@code (h - size) / stride + 1}; the gradient flows to the maximum of each window. libnd4j's
 * {@code maxpool2d} and {@code maxpool2d_bp}.
 */
public final class MaxPool extends ShapedLayer {
    private final int size;
    private final int stride;

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
        INDArray y = Nd4j.create(x.dataType(), out.batch(x.size(0)));
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(x).addOutputs(y).addIntegerArguments(arguments())
                .build());
        return y;
    }

    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        INDArray dx = Nd4j.create(x.dataType(), in.batch(x.size(0)));
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(x, dy).addOutputs(dx)
                .addIntegerArguments(arguments()).build());
        return dx;
    }
}
