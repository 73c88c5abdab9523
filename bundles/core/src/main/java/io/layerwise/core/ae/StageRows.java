package io.layerwise.core.ae;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Parameter;
import io.layerwise.core.nn.ParameterLoad;
import io.layerwise.core.nn.RowChunks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The scaffolding that every trainable stage type repeats around its model (autoencoders, RBMs, VAEs): the width
 * check of incoming rows, encoding or reconstructing a whole matrix chunk by chunk, and parameters saved and restored
 * by name.
 */
public final class StageRows {
    private StageRows() {
    }

    /** An {@link IllegalArgumentException} naming {@code what} when {@code m} is not {@code width} columns wide. */
    public static void checkWidth(FloatMatrix m, int width, String what) {
        if (m.cols() != width) {
            throw new IllegalArgumentException(what + " has " + m.cols() + " columns, this stage takes " + width);
        }
    }

    /**
     * {@code f} applied to {@code input} in chunks of rows ({@link RowChunks}), each chunk's result ({@code width}
     * values per row) copied into one row-major matrix.
     *
     * @param inputWidth the stage's input width, checked first
     * @param buffers    makes a model's work buffers for a chunk of the given number of rows
     */
    public static <B extends AutoCloseable> FloatMatrix map(FloatMatrix input, int inputWidth, int width,
            IntFunction<B> buffers, BiFunction<INDArray, B, INDArray> f) {
        checkWidth(input, inputWidth, "input");
        float[] out = new float[Math.multiplyExact(input.rows(), width)];
        RowChunks.sum(input, buffers, into(out, width, f));
        return new FloatMatrix(input.rows(), width, out);
    }

    /**
     * As {@link #map(FloatMatrix, int, int, IntFunction, BiFunction)} with the chunks' rows and work buffers kept by
     * the caller ({@link RowChunks#sum(FloatMatrix, Map, Map, IntFunction, RowChunks.Action)}): a stage that evaluates
     * every epoch encodes in the same arrays, so that one set of chunk arrays exists, not two.
     */
    public static <B extends AutoCloseable> FloatMatrix map(FloatMatrix input, int inputWidth, int width,
            Map<Integer, B> kept, Map<List<Integer>, INDArray> rows, IntFunction<B> buffers,
            BiFunction<INDArray, B, INDArray> f) {
        checkWidth(input, inputWidth, "input");
        float[] out = new float[Math.multiplyExact(input.rows(), width)];
        RowChunks.sum(input, kept, rows, buffers, into(out, width, f));
        return new FloatMatrix(input.rows(), width, out);
    }

    /** Each chunk's result ({@code width} values per row) copied into its rows of {@code out}. */
    private static <B extends AutoCloseable> RowChunks.Action<B> into(float[] out, int width,
            BiFunction<INDArray, B, INDArray> f) {
        return (x, b, from) -> {
            float[] v = Matrices.values(f.apply(x, b));
            System.arraycopy(v, 0, out, from * width, v.length);
            return 0;
        };
    }

    /** A copy of {@code a}'s values under {@code name} with the given shape. */
    public static Parameter parameter(String name, INDArray a, int... shape) {
        return new Parameter(name, shape, Matrices.values(a));
    }

    /** The shape an array is saved with: a matrix keeps its two dimensions, a row (a bias, 1 x k) is a vector of k. */
    public static int[] savedShape(INDArray a) {
        return a.rows() == 1 ? new int[] {(int) a.columns()} : new int[] {(int) a.rows(), (int) a.columns()};
    }

    /** Copies of {@code arrays} under {@code names}, each with its {@link #savedShape}. */
    public static List<Parameter> parameters(List<String> names, List<INDArray> arrays) {
        List<Parameter> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add(parameter(names.get(i), arrays.get(i), savedShape(arrays.get(i))));
        }
        return out;
    }

    /** Loads {@code saved} into {@code arrays} by the names and {@link #savedShape}s of {@link #parameters}, all or nothing. */
    public static void restore(List<String> names, List<INDArray> arrays, List<Parameter> saved) {
        List<ParameterLoad.Expected> expected = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            expected.add(new ParameterLoad.Expected(names.get(i), savedShape(arrays.get(i))));
        }
        ParameterLoad.intoShapes(expected, arrays, saved);
    }
}
