package io.layerwise.regularizers.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A penalty's own work arrays, one per role, shape and data type, allocated on first use and reused for every
 * minibatch (a partial last batch gets its own).
 */
final class Scratch {
    private final Map<String, INDArray> arrays = new HashMap<>();

    /** An uninitialised array for {@code role}, shaped like {@code like} and of its data type. */
    INDArray like(String role, INDArray like) {
        return get(role, like.dataType(), like.shape());
    }

    /** An uninitialised array for {@code role} of {@code shape}. */
    INDArray get(String role, DataType type, long... shape) {
        return arrays.computeIfAbsent(role + " " + type + Arrays.toString(shape),
                k -> Nd4j.createUninitialized(type, shape));
    }
}
