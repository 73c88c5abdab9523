package io.layerwise.model.rbm.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.StageContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stage context without a framework: fixed input; a regularizer entry resolves to the penalty registered under its
 * name in {@code penalties}, and any other name is an error naming its path.
 */
record TestContext(int inputSize, String inputRange, long seed, Map<String, Penalty> penalties, List<String> logged)
        implements StageContext {

    TestContext(int inputSize, String inputRange, long seed) {
        this(inputSize, inputRange, seed, Map.of(), new ArrayList<>());
    }

    @Override
    public Penalty penalty(Spec regularizerSpec) {
        String name = regularizerSpec.text("name", null);
        Penalty p = penalties.get(name);
        if (p == null) {
            throw new SpecException(regularizerSpec.pathOf("name"), "\"" + name + "\" is not installed in this test");
        }
        return p;
    }

    @Override
    public void log(String message) {
        logged.add(message);
    }
}
