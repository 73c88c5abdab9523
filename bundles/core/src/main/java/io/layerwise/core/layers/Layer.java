package io.layerwise.core.layers;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One layer of a {@link Sequential} network. Arrays are {@code [batch, channels, height, width]} (a flat vector of n
 * values is {@code [batch, n, 1, 1]}). Lifecycle per minibatch: {@link #forward} on the batch, then (training only)
 * {@link #backward} with the same input and the output forward returned; backward writes the parameter gradients
 * (overwriting, not accumulating) and returns the gradient with respect to the input. A layer may keep work buffers
 * between forward and backward (a convolution's patches), but never its input: the network passes it back.
 */
public interface Layer extends AutoCloseable {

    /** The JSON kind, e.g. {@code conv}. */
    String kind();

    Shape input();

    Shape output();

    /** {@code training}: batch statistics for batch-norm (and their running averages updated); else running ones. */
    INDArray forward(INDArray x, boolean training);

    /** The gradient with respect to {@code x}, given that with respect to {@code y}; fills {@link #gradients()}. */
    INDArray backward(INDArray x, INDArray y, INDArray dy);

    /** Trained parameters, in a fixed order. */
    default List<INDArray> parameters() {
        return List.of();
    }

    /** Their gradients after {@link #backward}, in the same order. */
    default List<INDArray> gradients() {
        return List.of();
    }

    /** Names of the parameters, e.g. {@code weight}, {@code bias}. */
    default List<String> parameterNames() {
        return List.of();
    }

    /** Arrays that are saved with the model but not trained (batch-norm's running mean and variance). */
    default List<INDArray> statistics() {
        return List.of();
    }

    default List<String> statisticNames() {
        return List.of();
    }

    @Override
    default void close() {
        parameters().forEach(INDArray::close);
        gradients().forEach(INDArray::close);
        statistics().forEach(INDArray::close);
    }
}
