package io.layerwise.core.ae;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a denoising autoencoder does to its input before encoding it: {@code x~ = c(x)}. The loss still compares
 * the reconstruction with the clean {@code x}.
 */
@FunctionalInterface
public interface Corruption extends AutoCloseable {

    /** The identity: a plain autoencoder. */
    Corruption NONE = (clean, out) -> clean;

    /**
     * @param clean the minibatch (B x n), not to be modified
     * @param out   a preallocated B x n array that may receive the corrupted copy
     * @return the encoder input: {@code clean} itself or {@code out}
     */
    INDArray apply(INDArray clean, INDArray out);

    /** Frees native state (a random generator). */
    @Override
    default void close() {
    }
}
