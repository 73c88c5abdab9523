package io.layerwise.core.ae;

import java.util.Map;
import java.util.TreeSet;
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

    /**
     * The state carried from one minibatch to the next (a random generator's, see
     * {@link SeededGenerator#state()}), for checkpoints taken between epochs. Default: none.
     *
     * @since 2.1
     */
    default Map<String, Long> state() {
        return Map.of();
    }

    /**
     * Restores {@link #state()} into a freshly created corruption of the same configuration; throws
     * IllegalArgumentException naming a missing or unknown entry. The default takes no entries.
     *
     * @since 2.1
     */
    default void restoreState(Map<String, Long> state) {
        if (!state.isEmpty()) {
            throw new IllegalArgumentException("this corruption keeps no state, got " + new TreeSet<>(state.keySet()));
        }
    }

    /** Frees native state (a random generator). */
    @Override
    default void close() {
    }
}
