package io.layerwise.model.whitening.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.StageContext;
import java.util.ArrayList;
import java.util.List;

/** A stage context without a framework: fixed input, no regularizers installed. */
record TestContext(int inputSize, String inputRange, long seed, List<String> logged) implements StageContext {

    TestContext(int inputSize, String inputRange, long seed) {
        this(inputSize, inputRange, seed, new ArrayList<>());
    }

    @Override
    public Penalty penalty(Spec regularizerSpec) {
        throw new SpecException(regularizerSpec.pathOf("name"), "no regularizers are installed in this test");
    }

    @Override
    public void log(String message) {
        logged.add(message);
    }
}
