package io.layerwise.core.layers;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling over {@code size} x {@code size} windows taken every {@code stride} positions (no padding), output
 * side {@code (h - size) / stride + 1}; the gradient flows to the maximum of each window. libnd4j's
 * {@code maxpool2d} and {@code maxpool2d_bp}; float32 runs the forward op into an array kept between minibatches (a
 * Java loop with an argmax buffer took longer under the launcher's C1 compiler than the native op) and the backward
 * pass as a Java loop (the native one took three times as long), float64 runs both ops into new arrays.
 */
public final class MaxPool extends ShapedLayer {
    private final int size;
    private final int stride;
    // float32 path: the output of the last training pass and the input gradient, kept between minibatches
    private INDArray y;
    private INDArray dx;
    private float[] xHeap;
    private float[] dyHeap;
    private float[] dxHeap;

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
        // a Java loop: libnd4j's maxpool2d_bp took 1.0 ms CPU on W5's [16, 10, 10] batch of 128, this about a third
        int n = (int) x.size(0);
        int h = in.height();
        int w = in.width();
        int oh = out.height();
        int ow = out.width();
        xHeap = Floats.read(x, xHeap);
        dyHeap = Floats.read(dy, dyHeap);
        dxHeap = Floats.work(dxHeap, xHeap.length);
        Arrays.fill(dxHeap, 0f);
        for (int plane = 0; plane < n * in.channels(); plane++) {
            int src = plane * h * w;
            int g = plane * oh * ow;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++, g++) {
                    // the first maximum in row-major order, as libnd4j's op chooses among equal values
                    int corner = src + i * stride * w + j * stride;
                    int best = corner;
                    float max = xHeap[corner];
                    for (int u = 0; u < size; u++) {
                        for (int v = 0, at = corner + u * w; v < size; v++, at++) {
                            if (xHeap[at] > max) {
                                max = xHeap[at];
                                best = at;
                            }
                        }
                    }
                    dxHeap[best] += dyHeap[g];
                }
            }
        }
        dx = Floats.reuse(dx, in.batch(n));
        Floats.write(dxHeap, dx);
        return dx;
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

    /** libnd4j's maxpool2d_bp, which writes every value of {@code into} (zero off the maxima). */
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
