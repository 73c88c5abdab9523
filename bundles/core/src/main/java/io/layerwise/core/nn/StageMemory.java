package io.layerwise.core.nn;

import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.MemoryEstimate;
import io.layerwise.api.stage.MemoryEstimate.Part;
import io.layerwise.api.stage.MemoryEstimate.Pool;
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
