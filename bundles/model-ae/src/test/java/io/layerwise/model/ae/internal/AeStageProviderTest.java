package io.layerwise.model.ae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.Stage;
import io.layerwise.api.stage.StageContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AeStageProviderTest {
    final AeStageProvider provider = new AeStageProvider();

    /** Resolves every regularizer to a no-op penalty and records what was resolved and logged. */
    record Context(int inputSize, String inputRange, List<String> resolved, List<String> logged) implements StageContext {
        Context(int inputSize, String inputRange) {
            this(inputSize, inputRange, new ArrayList<>(), new ArrayList<>());
        }

        @Override
        public long seed() {
            return 1;
        }

        @Override
        public Penalty penalty(Spec spec) {
            String name = spec.text("name", null);
            spec.number("lambda", 0, io.layerwise.api.spec.Range.nonNegative());
            resolved.add(spec.path() + "=" + name);
            return () -> name;
        }

        @Override
        public void log(String message) {
            logged.add(message);
        }
    }

    @Test
    void overcompleteUnregularisedAutoencoderWarnsAboutTheIdentity() {
        Context ctx = new Context(20, Dataset.UNIT);
        try (Stage s = provider.create(new Spec("stages[0]", Map.of("hidden", 20)), ctx)) {
            assertEquals(1, ctx.logged().size());
            assertTrue(ctx.logged().get(0).contains("stages[0].hidden = 20 >= 20 inputs"), ctx.logged().get(0));
        }
    }

    @Test
    void aBottleneckOrARegularizerSilencesTheWarning() {
        Context narrow = new Context(20, Dataset.UNIT);
        provider.create(new Spec("stages[0]", Map.of("hidden", 10)), narrow).close();
        assertEquals(List.of(), narrow.logged());
        Context regularised = new Context(20, Dataset.UNIT);
        Spec spec = new Spec("stages[0]", Map.of("hidden", 40,
                "regularizers", List.of(Map.of("name", "l2", "lambda", 1e-4))));
        provider.create(spec, regularised).close();
        spec.rejectUnknownFields();
        assertEquals(List.of(), regularised.logged());
        assertEquals(List.of("stages[0].regularizers[0]=l2"), regularised.resolved());
    }

    @Test
    void aeHasNoNoiseField() {
        Spec spec = new Spec("stages[0]", Map.of("hidden", 10, "noise", Map.of("kind", "mask")));
        provider.create(spec, new Context(20, Dataset.UNIT)).close();
        assertEquals("stages[0].noise", assertThrows(SpecException.class, spec::rejectUnknownFields).path());
    }

    @Test
    void realInputGetsSquaredErrorAndAnIdentityDecoder() {
        try (Stage s = provider.create(new Spec("stages[2]", Map.of("hidden", 5)), new Context(20, Dataset.REAL))) {
            assertEquals(List.of("testSquaredError"), List.copyOf(s.evaluate(io.layerwise.api.data.FloatMatrix.zeros(3, 20)).keySet()));
        }
    }
}
