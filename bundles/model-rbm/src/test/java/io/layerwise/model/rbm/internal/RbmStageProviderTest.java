package io.layerwise.model.rbm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.Stage;
import io.layerwise.core.testing.TestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading and validating an rbm stage's JSON. */
class RbmStageProviderTest {
    final RbmStageProvider provider = new RbmStageProvider();

    SpecException error(Map<String, ?> fields, String range) {
        Spec spec = new Spec("stages[2]", fields);
        return assertThrows(SpecException.class, () -> {
            try (Stage s = provider.create(spec, new TestContext(20, range, 1))) {
                spec.rejectUnknownFields();
            }
        });
    }

    static Stream<Arguments> badFields() {
        return Stream.of(
                Arguments.of(Map.of("k", 0), "stages[2].k must be in [1, 100000], got 0"),
                Arguments.of(Map.of("hidden", 0), "stages[2].hidden must be in [1, 1048576], got 0"),
                Arguments.of(Map.of("hidden", 2.5), "stages[2].hidden must be an integer, got 2.5"),
                Arguments.of(Map.of("visible", "binary"),
                        "stages[2].visible must be one of [bernoulli, gaussian], got \"binary\""),
                Arguments.of(Map.of("persistent", "yes"), "stages[2].persistent must be true or false, got \"yes\""),
                Arguments.of(Map.of("sampleVisible", 1), "stages[2].sampleVisible must be true or false, got 1"),
                Arguments.of(Map.of("trainError", "exact"),
                        "stages[2].trainError must be one of [mean-field, sampled], got \"exact\""),
                Arguments.of(Map.of("trainError", "sampled", "persistent", true),
                        "stages[2].trainError \"sampled\" needs CD (persistent false)"),
                Arguments.of(Map.of("initStd", -0.01), "stages[2].initStd must be in (0, inf), got -0.01"),
                Arguments.of(Map.of("sampleEvery", -1), "stages[2].sampleEvery must be in [0, 1000000], got -1"),
                Arguments.of(Map.of("sampleEvery", 5, "sampleSteps", List.of(1)),
                        "stages[2].sampleEvery cannot go with sampleSteps; give sampleSteps only"),
                Arguments.of(Map.of("sampleSteps", List.of(1, 10, 10)),
                        "stages[2].sampleSteps[2] must be larger than the step count before it (10), got 10"),
                Arguments.of(Map.of("sampleSteps", List.of(0)), "stages[2].sampleSteps[0] must be in [1, 10000000], got 0"),
                Arguments.of(Map.of("ais", Map.of("runs", -1)), "stages[2].ais.runs must be in [0, 100000], got -1"),
                Arguments.of(Map.of("ais", Map.of("temperatures", 0)),
                        "stages[2].ais.temperatures must be in [1, 10000000], got 0"),
                Arguments.of(Map.of("ais", Map.of("steps", 10)), "stages[2].ais.steps is not a known field here"),
                Arguments.of(Map.of("train", Map.of("batch", 0)), "stages[2].train.batch must be in [1, 1048576], got 0"),
                Arguments.of(Map.of("train", Map.of("optimizer", Map.of("lr", 0))),
                        "stages[2].train.optimizer.lr must be in (0, inf), got 0.0"),
                Arguments.of(Map.of("train", Map.of("optimizer", Map.of("momentum", 1))),
                        "stages[2].train.optimizer.momentum must be in [0, 1), got 1.0"),
                Arguments.of(Map.of("train", Map.of("optimizer", Map.of("kind", "adamw"))),
                        "stages[2].train.optimizer.kind must be one of [sgd, nesterov, adam, rmsprop, adagrad], got \"adamw\""),
                Arguments.of(Map.of("train", Map.of("optimizer", Map.of("kind", "adam", "beta2", 1))),
                        "stages[2].train.optimizer.beta2 must be in [0, 1), got 1.0"),
                Arguments.of(Map.of("train", Map.of("optimizer", Map.of("beta1", 0.9))),
                        "stages[2].train.optimizer.beta1 does not apply to kind \"sgd\" (only to adam)"),
                Arguments.of(Map.of("regularizers", List.of(Map.of("name", "l3"))),
                        "stages[2].regularizers[0].name \"l3\" is not installed in this test"),
                Arguments.of(Map.of("hiden", 10), "stages[2].hiden is not a known field here"),
                Arguments.of(Map.of("train", Map.of("epoch", 3)), "stages[2].train.epoch is not a known field here"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badFields")
    void badFieldsAreNamedByTheirJsonPath(Map<String, ?> fields, String message) {
        SpecException e = error(fields, Dataset.UNIT);
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void bernoulliUnitsOnRealInputAreRefusedWithAHint() {
        SpecException e = error(Map.of("visible", "bernoulli"), Dataset.REAL);
        assertEquals("stages[2].visible", e.path());
        assertTrue(e.getMessage().contains("\"gaussian\""), e.getMessage());
    }

    @Test
    void defaultsFollowTheInputRangeAndAreRecorded() {
        Spec unit = new Spec("stages[0]", Map.of());
        try (RbmStage s = (RbmStage) provider.create(unit, new TestContext(20, Dataset.UNIT, 1))) {
            assertEquals(VisibleUnits.BERNOULLI, s.spec().units());
            assertEquals(new ContrastiveDivergence(1, false, false), s.spec().cd());
            assertEquals(TrainError.MEAN_FIELD, s.spec().trainError());
            assertEquals(500, s.outputSize());
            assertEquals(5, s.epochs());
        }
        Map<String, Object> resolved = unit.resolved();
        assertEquals("bernoulli", resolved.get("visible"));
        assertEquals(false, resolved.get("sampleVisible"));
        assertEquals("mean-field", resolved.get("trainError"));
        assertEquals(0.01, resolved.get("initStd"));
        assertEquals(Map.of("epochs", 5, "batch", 20, "optimizer", Map.of("kind", "sgd", "lr", 0.1, "momentum", 0.0,
                "schedule", Map.of("kind", "constant"))),
                resolved.get("train"));

        Spec real = new Spec("stages[1]", Map.of("hidden", 8, "persistent", true, "k", 3));
        try (RbmStage s = (RbmStage) provider.create(real, new TestContext(20, Dataset.REAL, 1))) {
            assertEquals(VisibleUnits.GAUSSIAN, s.spec().units());
            assertEquals(new ContrastiveDivergence(3, true, true), s.spec().cd(), "PCD samples its visible units");
            assertEquals(Dataset.UNIT, s.outputRange());
        }
        assertEquals("gaussian", real.resolved().get("visible"));
        assertEquals(true, real.resolved().get("sampleVisible"));
    }

    @Test
    void regularizersAreResolvedThroughTheContextInOrder() {
        List<String> seen = new ArrayList<>();
        Penalty l2 = () -> "l2";
        Penalty l1 = () -> "l1";
        TestContext ctx = new TestContext(20, Dataset.UNIT, 1, TestContext.fixed(Map.of("l2", l2, "l1", l1)), seen);
        Spec spec = new Spec("stages[0]", Map.of("hidden", 4,
                "regularizers", List.of(Map.of("name", "l2"), Map.of("name", "l1"))));
        try (RbmStage s = (RbmStage) provider.create(spec, ctx)) {
            assertEquals(List.of(l2, l1), s.spec().penalties());
        }
    }

    @Test
    void describesItself() {
        assertTrue(provider.describe().contains("CD-k or PCD-k"), provider.describe());
    }
}
