package io.layerwise.model.sparse.internal;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.StageContext;
import io.layerwise.regularizers.internal.KlSparsityRegularizer;
import io.layerwise.regularizers.internal.L1ActivityRegularizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A stage context without a framework: the built-in sparsity regularizers resolved by name, log lines kept. */
record TestContext(int inputSize, String inputRange, long seed, List<String> logged) implements StageContext {
    static final Map<String, Regularizer> INSTALLED = Map.of("kl-sparsity", new KlSparsityRegularizer(),
            "l1-activity", new L1ActivityRegularizer());

    TestContext(int inputSize, String inputRange, long seed) {
        this(inputSize, inputRange, seed, new ArrayList<>());
    }

    @Override
    public Penalty penalty(Spec spec) {
        String name = spec.text("name", null);
        Regularizer r = INSTALLED.get(name);
        if (r == null) {
            throw new SpecException(spec.pathOf("name"), "\"" + name + "\" is not installed in this test");
        }
        return r.configure(spec);
    }

    @Override
    public void log(String message) {
        logged.add(message);
    }
}
