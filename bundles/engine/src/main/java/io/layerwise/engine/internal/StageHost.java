package io.layerwise.engine.internal;

import io.layerwise.api.stage.Parameter;
import java.io.IOException;
import java.util.List;

/** What a stage's epoch loop ({@link EpochLoop}) needs from its job. */
interface StageHost extends EpochProgress {
    boolean cancelRequested();

    /** True once the stage's provider was unregistered (its bundle stops or is updated). */
    default boolean providerGone() {
        return false;
    }

    /** Saves the stage's model with these parameters (the stage's own, as {@code Stage.parameters()} gave them). */
    void save(List<Parameter> parameters) throws IOException;

    /** A line for run.log and the listener. */
    void log(String line);

    /** Epoch {@code epoch}'s record, model and checkpoint are written (a frame of filters.gif). */
    default void epochDone(int epoch) {
    }

    /** What the loop does now, in words (a failure such as running out of memory names it). */
    default void doing(String what) {
    }
}
