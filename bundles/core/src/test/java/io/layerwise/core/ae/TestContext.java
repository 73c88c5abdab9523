package io.layerwise.core.ae;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.StageContext;
import java.util.ArrayList;
import java.util.List;

/** A stage context without a framework; every regularizer entry resolves to a no-op penalty named after it. */
record TestContext(int inputSize, String inputRange, long seed, List<String> logged) implements StageContext {

    TestContext(int inputSize, String inputRange, long seed) {
        this(inputSize, inputRange, seed, new ArrayList<>());
    }

    @Override
    public Penalty penalty(Spec regularizerSpec) {
        String name = regularizerSpec.text("name", null);
        return () -> name;
    }

    @Override
    public void log(String message) {
        logged.add(message);
    }
}
