package io.layerwise.core.layers;

import io.layerwise.core.nn.Level3;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The patch matrices behind convolution: libnd4j's {@code im2col} (every k x k window of a padded image laid out as
 * a column, {@code [n, c, k, k, oh, ow]}) and its adjoint {@code col2im} (each column added back where its window
 * lies, overlaps summed), and the per-sample products over them through {@link Level3#gemm} (cblas_sgemm for
 * float32).
 */
final class Patches {
    private Patches() {
    }

    /** Windows of {@code x} [n, c, h, w] into {@code cols} [n, c, k, k, oh, ow]; zeros outside the padded border. */
    static void im2col(INDArray x, int k, int stride, int padding, INDArray cols) {
        Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(x).addOutputs(cols)
                .addIntegerArguments(k, k, stride, stride, padding, padding, 1, 1, 0).addFloatingPointArguments(0.0)
                .build());
    }

    /** The adjoint of {@link #im2col}: {@code cols} [n, c, k, k, oh, ow] summed into {@code image} [n, c, h, w]. */
    static void col2im(INDArray cols, int stride, int padding, INDArray image) {
        image.assign(0);
        Nd4j.exec(DynamicCustomOp.builder("col2im").addInputs(cols).addOutputs(image)
                .addIntegerArguments(stride, stride, padding, padding, (int) image.size(2), (int) image.size(3), 1, 1, 0)
                .build());
    }

    /**
     * For every sample i: {@code c[i] <- alpha op(a_i) op(b_i) + beta c[i]}, where {@code a_i} is {@code a} itself
     * when it has rank 2 (a weight shared by the batch) or its slice i; likewise {@code b_i}; {@code c} has rank 3.
     */
    static void gemmEach(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double beta) {
        long n = c.size(0);
        for (int i = 0; i < n; i++) {
            Level3.gemm(a.rank() == 2 ? a : a.slice(i), b.rank() == 2 ? b : b.slice(i), c.slice(i), transA, transB,
                    1.0, beta);
        }
    }

    /**
     * {@code c <- sum_i op(a_i) op(b_i)}: a weight gradient summed over the batch, {@code a} and {@code b} of rank 3.
     */
    static void gemmSum(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB) {
        long n = a.size(0);
        for (int i = 0; i < n; i++) {
            Level3.gemm(a.slice(i), b.slice(i), c, transA, transB, 1.0, i == 0 ? 0.0 : 1.0);
        }
    }

    /**
     * {@code a} with its first dimension (the sample) moved to position {@code to}, as a fresh c-order array: a batch
     * of patch matrices [n, c k k, positions] becomes one matrix [c k k, n positions] for a single GEMM.
     */
    static INDArray sampleTo(INDArray a, int to) {
        int[] order = new int[a.rank()];
        for (int i = 0, j = 1; i < order.length; i++) {
            order[i] = i == to ? 0 : j++;
        }
        return a.permute(order).dup('c');
    }

    /** The inverse of {@link #sampleTo}: dimension {@code from} moved back to the front, as a fresh c-order array. */
    static INDArray sampleFrom(INDArray a, int from) {
        int[] order = new int[a.rank()];
        order[0] = from;
        for (int i = 1, j = 0; i < order.length; i++, j++) {
            if (j == from) {
                j++;
            }
            order[i] = j;
        }
        return a.permute(order).dup('c');
    }

    /** {@code y[:, j, :, :] += bias[j]}. */
    static void addChannelBias(INDArray y, INDArray bias) {
        Nd4j.getExecutioner().exec(new BroadcastAddOp(y, bias, y, 1));
    }

    /** Per channel, the sum over samples and positions of {@code dy}, into {@code into}. */
    static void channelSums(INDArray dy, INDArray into) {
        into.assign(dy.sum(0, 2, 3));
    }

    /** A contiguous c-order array of this shape (a view of {@code a} when it is one already). */
    static INDArray view(INDArray a, long... shape) {
        return a.reshape('c', shape);
    }

    /** PyTorch's default initialisation: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and biases alike. */
    static INDArray uniform(java.util.SplittableRandom random, int fanIn, DataType type, long... shape) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        double bound = 1.0 / Math.sqrt(fanIn);
        double[] v = new double[Math.toIntExact(size)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * random.nextDouble() - 1) * bound;
        }
        INDArray d = Nd4j.create(v, shape, DataType.DOUBLE);
        if (type == DataType.DOUBLE) {
            return d;
        }
        INDArray cast = d.castTo(type);
        d.close();
        return cast;
    }

    /** A cached work array of {@code shape}, reallocated when the batch size changes. */
    static INDArray work(INDArray cached, DataType type, long... shape) {
        if (cached != null && cached.dataType() == type && java.util.Arrays.equals(cached.shape(), shape)) {
            return cached;
        }
        if (cached != null) {
            cached.close();
        }
        return Nd4j.create(type, shape);
    }

    static List<INDArray> live(INDArray... arrays) {
        return java.util.Arrays.stream(arrays).filter(a -> a != null && !a.wasClosed()).toList();
    }
}
