package io.layerwise.core.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Heap copies of float32 arrays for the layers' Java kernels ({@link Kernels}), and output arrays kept per layer.
 * The profile of a W5 epoch (docs/conv-ae.md, Speed) spent 37% in allocating native buffers and 33% in the permute +
 * dup copies around the GEMMs, 9% in the GEMMs: ND4J's element-wise ops cost a native call, an output array and a
 * pass over memory each, where a bulk copy into a heap array, one Java loop and a bulk copy back cost two memcpys.
 * Float64 arrays keep the ND4J ops (the plain path, checked against finite differences), which the Java kernels are
 * tested against.
 */
final class Floats {
    private static final boolean CPU = Nd4j.getEnvironment().isCPU();

    private Floats() {
    }

    /** Whether the Java kernels take {@code x}: float32 on the CPU backend. */
    static boolean fast(INDArray x) {
        return CPU && x.dataType() == DataType.FLOAT;
    }

    /** The values of {@code a} in c order, into {@code reuse} when it has their number (else a new array). */
    static float[] read(INDArray a, float[] reuse) {
        int n = Math.toIntExact(a.length());
        float[] out = work(reuse, n);
        INDArray c = dense(a) ? a : a.dup('c');
        c.data().asNioFloat().get(0, out, 0, n);
        return out;
    }

    /** Copies the first {@code a.length()} values of {@code values} into {@code a}, an array made here. */
    static void write(float[] values, INDArray a) {
        a.data().asNioFloat().put(0, values, 0, Math.toIntExact(a.length()));
    }

    /** {@code reuse} when it holds {@code n} values, else a new array. */
    static float[] work(float[] reuse, int n) {
        return reuse != null && reuse.length == n ? reuse : new float[n];
    }

    /**
     * A float32 c-order array of {@code shape} for a layer's output: {@code cached} when it has that shape (the batch
     * size is the same as last time), else a new one. Its values are whatever the last minibatch left.
     */
    static INDArray reuse(INDArray cached, long... shape) {
        if (cached != null && !cached.wasClosed() && cached.dataType() == DataType.FLOAT
                && java.util.Arrays.equals(cached.shape(), shape)) {
            return cached;
        }
        return Nd4j.createUninitialized(DataType.FLOAT, shape);
    }

    /** Laid out in c order from the start of its own buffer: what {@link #read} copies as it is. */
    private static boolean dense(INDArray a) {
        if (a.offset() != 0 || a.data().length() < a.length()) {
            return false;
        }
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }
}
