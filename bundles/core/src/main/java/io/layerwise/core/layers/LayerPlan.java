package io.layerwise.core.layers;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One layer as read and shape-checked from JSON, before anything is allocated.
 *
 * @param kind       the JSON kind
 * @param path       the JSON path of the layer, e.g. {@code stages[0].encoder[3]}
 * @param parameters how many trained values it holds
 */
public record LayerPlan(String kind, String path, Shape input, Shape output, long parameters, Factory factory) {

    /** Allocates the layer with initial parameters drawn from {@code random}. */
    @FunctionalInterface
    public interface Factory {
        Layer build(DataType type, SplittableRandom random);
    }

    public Layer build(DataType type, SplittableRandom random) {
        return factory.build(type, random);
    }
}
