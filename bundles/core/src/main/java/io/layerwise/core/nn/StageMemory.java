package io.layerwise.core.nn;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.MemoryEstimate;
import io.layerwise.api.stage.MemoryEstimate.Part;
import io.layerwise.api.stage.MemoryEstimate.Pool;
import io.layerwise.core.optim.Optimizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a stage's {@link MemoryEstimate} part by part, and refuses, naming the field, an array larger than one Java
 * array can be (the parameters and codes of every stage pass through {@code float[]}s on their way to the model file
 * and the next stage). Sizes are float32 bytes.
 */
public final class StageMemory {
    /** The most elements a Java array can have on common JVMs. */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final String field;
    private final String value;
    private final List<Part> parts = new ArrayList<>();
    private long parameterBytes;
    private long stateBytes;

    /**
     * @param field the JSON path of the field that sets the size (named in a refusal)
     * @param value its value
     */
    public StageMemory(String field, Object value) {
        this.field = field;
        this.value = String.valueOf(value);
    }

    /**
     * The parts every trainable dense stage of {@code n} inputs and {@code h} hidden units has: its parameters
     * ({@code params} bytes), their gradients, the optimizer's state and work arrays, and one more weight matrix while
     * parameters are restored or copied. Refuses, at {@code hidden}, a weight matrix or codes ({@code rows x h}) larger
     * than one array. A refusal names {@code train.batch} when the minibatch buffers ({@code batchBuffers} bytes, added
     * by the caller next) outweigh these parts, else {@code hidden}.
     *
     * @param json the stage's JSON (for the paths of {@code hidden} and {@code train.batch})
     * @param rows the most rows the stage is given at once (0 when unknown)
     */
    public static StageMemory trainableDense(Spec json, int n, int h, int rows, int batch, long params,
            Optimizer.Options opt, long batchBuffers) {
        String hiddenField = json.pathOf("hidden");
        requireOneArray(hiddenField, h, "the weight matrix W", n, h);
        requireOneArray(hiddenField, h, "the codes (rows x hidden)", rows, h);
        long weights = MemoryEstimate.floats(n, h);
        long fixed = 2 * params + (long) (opt.stateArrays() + opt.workArrays()) * params + weights;
        boolean batchField = batchBuffers > fixed;
        return new StageMemory(batchField ? json.pathOf("train") + ".batch" : hiddenField, batchField ? batch : h)
                .nativeArrays("parameters", params)
                .nativeArrays("gradients", params)
                .nativeArrays("optimizer " + opt.kind() + " state", (long) opt.stateArrays() * params)
                .nativeArrays("optimizer " + opt.kind() + " work arrays", (long) opt.workArrays() * params)
                .heapArrays("optimizer " + opt.kind() + " state on the heap", (long) opt.heapStateArrays() * params)
                .nativeArrays("a weight matrix restored or copied", weights);
    }

    /**
     * Throws a {@link SpecException} at {@code field} when {@code rows x cols} values are more than one array holds.
     *
     * @param what names the array, e.g. {@code "the weight matrix W"}
     */
    public static void requireOneArray(String field, Object value, String what, long rows, long cols) {
        long n = rows * cols; // each below 2^31: no overflow
        if (n > MAX_ARRAY) {
            throw new SpecException(field, value + " makes " + what + " of " + rows + " x " + cols + " = " + n
                    + " values, more than one array can hold (" + MAX_ARRAY + "); use a smaller " + field);
        }
    }

    /** Adds ND4J arrays of {@code bytes} (nothing when 0). */
    public StageMemory nativeArrays(String what, long bytes) {
        return add(what, Pool.NATIVE, bytes);
    }

    /** Adds Java arrays of {@code bytes} (nothing when 0). */
    public StageMemory heapArrays(String what, long bytes) {
        return add(what, Pool.HEAP, bytes);
    }

    /** Bytes of one copy of the stage's parameters, as {@code Stage.parameters()} hands them out. */
    public StageMemory parameterCopy(long bytes) {
        parameterBytes = bytes;
        return this;
    }

    /** Bytes of one copy of the arrays of the stage's training state. */
    public StageMemory stateCopy(long bytes) {
        stateBytes = bytes;
        return this;
    }

    public MemoryEstimate build() {
        return new MemoryEstimate(field, value, parts, parameterBytes, stateBytes);
    }

    private StageMemory add(String what, Pool pool, long bytes) {
        if (bytes > 0) {
            parts.add(new Part(what, pool, bytes));
        }
        return this;
    }
}
