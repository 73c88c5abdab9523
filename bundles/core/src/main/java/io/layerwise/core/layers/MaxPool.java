package io.layerwise.core.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling over {@code size} x {@code size} windows taken every {@code stride} positions (no padding), output
 * side {@code (h - size) / stride + 1}; the gradient flows to the maximum of each window (the first of equal ones, as
 * libnd4j picks it: after a rectifier and batch-norm, ties are common). Float64 runs libnd4j's {@code maxpool2d} and
 * {@code maxpool2d_bp} (the plain path). Float32 runs a Java loop that keeps the position of each window's maximum,
 * so that backward is one scatter: {@code maxpool2d_bp} searched every window again, 0.9 of the 1.2 ms that the
 * W5 layer [16, 10, 10] took a minibatch of 128. The search compares without a branch (see {@link #key}), since an
 * unpredictable branch costs more than the rest of the loop under C1.
 */
public final class MaxPool extends ShapedLayer {
    private final int size;
    private final int stride;
    // float32 path: the output of the last training pass and the input gradient, kept between minibatches
    private INDArray y;
    private INDArray dx;
    private float[] xHeap;
    private float[] yHeap;
    private float[] dHeap;
    // per output of the last training pass: the index in the input of its window's maximum
    private int[] argmax;
    private int[] evalArgmax;

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
        INDArray result = training ? (y = Floats.reuse(y, out.batch(n))) : Floats.reuse(null, out.batch(n));
        xHeap = Floats.read(x, xHeap);
        yHeap = Floats.work(yHeap, n * out.size());
        int outputs = n * out.size();
        // evaluation keeps the training pass's positions for the backward pass that may follow it
        int[] positions = training ? (argmax = positions(argmax, outputs))
                : (evalArgmax = positions(evalArgmax, outputs));
        pool(xHeap, n, yHeap, positions);
        Floats.write(yHeap, result);
        return result;
    }

    private static int[] positions(int[] reuse, int n) {
        return reuse != null && reuse.length == n ? reuse : new int[n];
    }

    /** Each window's maximum of {@code x} ({@code n} images) into {@code y}, its index in {@code x} into {@code at}. */
    private void pool(float[] x, int n, float[] y, int[] at) {
        int images = n * in.channels();
        Split.run(images, (long) images * in.height() * in.width(), (from, to) -> pool(x, y, at, from, to));
    }

    /** {@link #pool} of images (sample and channel) {@code from..to-1}. */
    private void pool(float[] x, float[] y, int[] at, int from, int to) {
        int h = in.height();
        int w = in.width();
        int oh = out.height();
        int ow = out.width();
        int o = from * oh * ow;
        for (int image = from; image < to; image++) {
            int base = image * h * w;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++, o++) {
                    int corner = base + i * stride * w + j * stride;
                    long best;
                    if (size == 2) { // W5's windows, unrolled
                        best = larger(larger(key(x, corner), key(x, corner + 1)),
                                larger(key(x, corner + w), key(x, corner + w + 1)));
                    } else {
                        best = key(x, corner);
                        for (int u = 0; u < size; u++) {
                            for (int v = 0; v < size; v++) {
                                best = larger(best, key(x, corner + u * w + v));
                            }
                        }
                    }
                    int index = Integer.MAX_VALUE - (int) (best & Integer.MAX_VALUE);
                    at[o] = index;
                    y[o] = x[index];
                }
            }
        }
    }

    /** The larger of two keys, without a branch. */
    private static long larger(long a, long b) {
        long d = b - a;
        return b - (d & (d >> 63));
    }

    /**
     * A long that orders as the value {@code x[index]} and then, among equal values, the smaller index first: the
     * float's bits turned into an int that orders as the float (-0 taken as +0; NaN as Java makes it above infinity,
     * so that it propagates), shifted above {@code MAX_VALUE - index}. The shift by 31 keeps the difference of two keys
     * within a long.
     */
    private static long key(float[] x, int index) {
        int bits = Float.floatToRawIntBits(x[index] + 0f);
        int ordered = bits ^ ((bits >> 31) & Integer.MAX_VALUE);
        return ((long) ordered << 31) | (Integer.MAX_VALUE - index);
    }

    @Override
    public INDArray backward(INDArray x, INDArray y, INDArray dy) {
        if (!Floats.fast(x)) {
            return plainBackward(x, dy);
        }
        int n = (int) x.size(0);
        dx = Floats.reuse(dx, in.batch(n));
        float[] g = Floats.read(dy, yHeap);
        float[] d = dHeap = Floats.work(dHeap, n * in.size());
        int images = n * in.channels();
        int m = in.height() * in.width();
        int outputs = out.height() * out.width();
        // a window's maximum lies in its own image: each range writes only its images
        Split.run(images, (long) images * m, (from, to) -> {
            java.util.Arrays.fill(d, from * m, to * m, 0f);
            for (int o = from * outputs; o < to * outputs; o++) {
                d[argmax[o]] += g[o]; // overlapping windows (stride < size) may share a maximum
            }
        });
        Floats.write(dHeap, dx);
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
