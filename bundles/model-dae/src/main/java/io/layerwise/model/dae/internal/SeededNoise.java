package io.layerwise.model.dae.internal;

import io.layerwise.core.ae.Corruption;
import io.layerwise.core.ae.SeededGenerator;
import java.util.Map;

/** A corruption drawing from a generator of its own, whose state is the corruption's state in checkpoints. */
abstract class SeededNoise implements Corruption {
    protected final SeededGenerator generator;

    SeededNoise(long seed) {
        this.generator = new SeededGenerator(seed);
    }

    @Override
    public Map<String, Long> state() {
        return generator.state();
    }

    @Override
    public void restoreState(Map<String, Long> state) {
        generator.restoreState(state, "noise");
    }

    @Override
    public void close() {
        generator.close();
    }
}
