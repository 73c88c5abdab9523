package io.layerwise.core.testing;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.StageContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A stage context without a framework, for the stage tests of core and the model bundles (core's test jar): a
 * fixed input, the log lines kept in {@link #logged}, and regularizer entries resolved by {@code regularizers}.
 *
 * @param regularizers makes the penalty of a stage's {@code regularizers[j]} entry, or throws a
 *                     {@link SpecException} naming its path as the engine does
 */
public record TestContext(int inputSize, String inputRange, long seed, Function<Spec, Penalty> regularizers,
        List<String> logged) implements StageContext {

    /** No regularizer installed: any entry is an error. */
    public TestContext(int inputSize, String inputRange, long seed) {
        this(inputSize, inputRange, seed, byName(Map.of()));
    }

    public TestContext(int inputSize, String inputRange, long seed, Function<Spec, Penalty> regularizers) {
        this(inputSize, inputRange, seed, regularizers, new ArrayList<>());
    }

    /** Every entry resolves to a penalty that does nothing and is named after the entry's {@code name}. */
    public static TestContext withNoOpPenalties(int inputSize, String inputRange, long seed) {
        return new TestContext(inputSize, inputRange, seed, spec -> {
            String name = spec.text("name", null);
            return () -> name;
        });
    }

    /**
     * An entry's {@code name} looked up in {@code installed}, whose function configures the penalty from the whole
     * entry (a regularizer's {@code configure}); any other name is an error naming the entry's path.
     */
    public static Function<Spec, Penalty> byName(Map<String, ? extends Function<Spec, Penalty>> installed) {
        return spec -> {
            String name = spec.text("name", null);
            Function<Spec, Penalty> make = installed.get(name);
            if (make == null) {
                throw new SpecException(spec.pathOf("name"), "\"" + name + "\" is not installed in this test");
            }
            return make.apply(spec);
        };
    }

    /** {@link #byName} for penalties fixed in advance, whatever the entry's other fields. */
    public static Function<Spec, Penalty> fixed(Map<String, Penalty> penalties) {
        Map<String, Function<Spec, Penalty>> installed = new HashMap<>();
        penalties.forEach((name, penalty) -> installed.put(name, spec -> penalty));
        return byName(installed);
    }

    @Override
    public Penalty penalty(Spec regularizerSpec) {
        return regularizers.apply(regularizerSpec);
    }

    @Override
    public void log(String message) {
        logged.add(message);
    }
}
