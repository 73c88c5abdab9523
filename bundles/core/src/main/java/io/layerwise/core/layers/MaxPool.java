package io.layerwise.core.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling over {@code size} x {@code size} windows taken every {@code stride} positions (no padding), output
 * side {@code (h - size) / stride + 1}; the gradient flows to the maximum of each window. libnd4j's
 * {@code maxpool2d} and {@code maxpool2d_bp} for float64 (the plain path the fast one is tested against); float32 is a
 * Java loop that records where each maximum lies, and backward adds each gradient there.
 */
public final class MaxPool extends ShapedLayer {
    private final int size;
    private final int stride;
    // float32 path: the input index of every output's maximum in the last forward pass, buffers
    private int[] argmax;
    private float[] xHeap;
    private float[] yHeap;
    private float[] dxHeap;
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
        int n = (int) x.size(0);
        int h = in.height();
        int w = in.width();
        int oh = out.height();
        int ow = out.width();
        xHeap = Floats.read(x, xHeap);
        int outputs = n * out.size();
        yHeap = Floats.work(yHeap, outputs);
        if (argmax == null || argmax.length != outputs) {
            argmax = new int[outputs];
        }
        int o = 0;
        for (int plane = 0; plane < n * in.channels(); plane++) {
            int base = plane * h * w;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++, o++) {
                    int best = base + i * stride * w + j * stride;
                    float max = xHeap[best];
                    for (int u = 0; u < size; u++) {
                        for (int v = 0, at = base + (i * stride + u) * w + j * stride; v < size; v++, at++) {
                            if (xHeap[at] > max) {
                                max = xHeap[at];
                                best = at;
                            }
                        }
                    }
                    yHeap[o] = max;
                    argmax[o] = best;
                }
            }
        }
        INDArray result = training ? (y = Floats.reuse(y, out.batch(n))) : Floats.reuse(null, out.batch(n));
        Floats.write(yHeap, result);
        return result;
    }

    /** Needs the maxima of the forward pass just run on {@code x}. */
    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        if (!Floats.fast(x)) {
            return plainBackward(x, dy);
        }
        float[] dyHeap = Floats.read(dy, yHeap);
        dxHeap = Floats.work(dxHeap, Math.toIntExact(x.length()));
        java.util.Arrays.fill(dxHeap, 0f);
        for (int o = 0; o < dyHeap.length; o++) {
            dxHeap[argmax[o]] += dyHeap[o];
        }
        dx = Floats.reuse(dx, x.shape());
        Floats.write(dxHeap, dx);
        return dx;
    }

    private INDArray plainForward(INDArray x) {
        INDArray y = Nd4j.create(x.dataType(), out.batch(x.size(0)));
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(x).addOutputs(y).addIntegerArguments(arguments())
                .build());
        return y;
    }

    private INDArray plainBackward(INDArray x, INDArray dy) {
        INDArray dx = Nd4j.create(x.dataType(), in.batch(x.size(0)));
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(x, dy).addOutputs(dx)
                .addIntegerArguments(arguments()).build());
        return dx;
    }

    @Override
    public void close() {
        Patches.live(y, dx).forEach(INDArray::close);
    }
}
