package io.layerwise.core.nn;

import io.layerwise.api.data.FloatMatrix;
import java.util.Arrays;
import java.util.function.DoubleSupplier;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Frees off-heap arrays now rather than when the garbage collector gets round to it, and fills large ones without a
 * heap copy of the whole.
 */
public final class NdArrays {
    /** Values a {@link #draw} passes through the heap at once: 4 MiB of floats. */
    public static final int DRAW_BLOCK = 1 << 20;

    private NdArrays() {
    }

    /**
     * A new c-order {@code rows x cols} array of {@code type} holding {@code next}'s values in row-major order, each
     * rounded to float32 (as a float32 array cast to {@code type} would hold them). The values pass through the heap a
     * block of whole rows (at most {@link #DRAW_BLOCK} values, or one row) at a time: a weight matrix of a gigabyte
     * costs the heap megabytes while it is drawn.
     */
    public static INDArray draw(int rows, int cols, DataType type, DoubleSupplier next) {
        INDArray out = Nd4j.create(type, new long[] {rows, cols}, 'c');
        int blockRows = Math.max(1, Math.min(rows, DRAW_BLOCK / Math.max(1, cols)));
        for (int from = 0; from < rows; from += blockRows) {
            int to = Math.min(rows, from + blockRows);
            float[] block = new float[(to - from) * cols];
            for (int i = 0; i < block.length; i++) {
                block[i] = (float) next.getAsDouble();
            }
            try (INDArray src = Nd4j.create(block, new long[] {to - from, cols}, DataType.FLOAT);
                    INDArray cast = type == DataType.FLOAT ? null : src.castTo(type)) {
                INDArray rowsView = rows == to - from ? out : out.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
                rowsView.assign(cast == null ? src : cast);
            }
        }
        return out;
    }

    /**
     * A new c-order float32 array holding the matrix's rows. On the CPU backend one bulk copy through the buffer's
     * pointer: {@code Nd4j.create(float[], ...)} copies value by value (8,000 x 784 in about 18 ms against 4 ms, as the
     * whitening bundle's {@code NativeArrays} measured), and every epoch's evaluation uploads its rows.
     *
     * @since 2.9
     */
    public static INDArray upload(FloatMatrix m) {
        long[] shape = {m.rows(), m.cols()};
        if (m.data().length == 0 || !Nd4j.getEnvironment().isCPU()) {
            return Nd4j.create(m.data(), shape, DataType.FLOAT);
        }
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        put(a, m.data(), 0);
        return a;
    }

    /**
     * Fills the whole c-order float32 array {@code a} with {@code source[from, from + a.length())}, in one bulk copy
     * through the buffer's pointer on the CPU backend (as {@link #upload}).
     *
     * @since 2.12
     */
    public static void put(INDArray a, float[] source, long from) {
        int n = Math.toIntExact(a.length());
        int start = Math.toIntExact(from);
        if (a.dataType() != DataType.FLOAT || a.ordering() != 'c' || a.isView()) {
            throw new IllegalArgumentException("not a whole c-order float32 array: " + a.shapeInfoToString());
        }
        if (n == 0) {
            return;
        }
        if (!Nd4j.getEnvironment().isCPU()) {
            a.assign(Nd4j.create(Arrays.copyOfRange(source, start, start + n), a.shape(), DataType.FLOAT));
            return;
        }
        ((FloatPointer) a.data().addressPointer()).put(source, start, n);
    }

    /**
     * Whether every array is a whole float32 array on the CPU backend (not a view into a larger buffer), all of one
     * length that an {@code int} indexes: the arrays whose memory a Java loop may read and write through
     * {@code data().asNioFloat()} as they are.
     */
    public static boolean wholeFloat32(INDArray... arrays) {
        if (!Nd4j.getEnvironment().isCPU()) {
            return false;
        }
        long n = arrays[0].length();
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || a.isView() || a.length() != n || n > Integer.MAX_VALUE
                    || a.data().length() != n) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every array is float32 on the CPU backend, all of one length that an {@code int} indexes, each contiguous
     * in row order (a whole array or a block of whole rows of one, such as a chunk of rows of an uploaded matrix): the
     * arrays whose value {@code i} a Java loop may read and write at {@code offset() + i} of
     * {@code data().asNioFloat()}, the whole buffer under a view included.
     *
     * @since 2.11
     */
    public static boolean rowBlocksFloat32(INDArray... arrays) {
        if (!Nd4j.getEnvironment().isCPU()) {
            return false;
        }
        long n = arrays[0].length();
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || a.length() != n || !rowContiguous(a)
                    || a.offset() + n > a.data().asNioFloat().capacity()) {
                return false;
            }
        }
        return n <= Integer.MAX_VALUE;
    }

    private static boolean rowContiguous(INDArray a) {
        if (a.rank() == 1) {
            return a.stride(0) == 1;
        }
        if (a.rank() != 2 || a.stride(1) != 1 && a.columns() > 1) {
            return false;
        }
        return a.rows() == 1 || a.stride(0) == a.columns();
    }

    /** Closes every non-null array that owns its buffer; views and nulls are skipped. */
    public static void close(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && a.closeable()) {
                a.close();
            }
        }
    }
}
