package io.layerwise.model.vae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.Stage;
import io.layerwise.core.testing.TestContext;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading and validating a vae stage's JSON. */
class VaeStageProviderTest {
    final VaeStageProvider provider = new VaeStageProvider();

    SpecException error(Map<String, ?> fields, String range) {
        Spec spec = new Spec("stages[1]", fields);
        return assertThrows(SpecException.class, () -> {
            try (Stage s = provider.create(spec, new TestContext(20, range, 1))) {
                spec.rejectUnknownFields();
            }
        });
    }

    static Stream<Arguments> badFields() {
        return Stream.of(
                Arguments.of(Map.of("latent", 0), Dataset.UNIT, "stages[1].latent must be in [1, 65536], got 0"),
                Arguments.of(Map.of("beta", -0.5), Dataset.UNIT, "stages[1].beta must be in [0, inf), got -0.5"),
                Arguments.of(Map.of("likelihood", "gaussian"), Dataset.UNIT,
                        "stages[1].variance is required for likelihood \"gaussian\" on inputs in [0, 1]"),
                Arguments.of(Map.of("likelihood", "bernoulli"), Dataset.REAL,
                        "stages[1].likelihood \"bernoulli\" needs inputs in [0, 1]"),
                Arguments.of(Map.of("variance", 0.1), Dataset.UNIT,
                        "stages[1].variance applies to likelihood \"gaussian\" only"),
                Arguments.of(Map.of("likelihood", "gaussian", "variance", 0), Dataset.UNIT,
                        "stages[1].variance must be in (0, inf), got 0"),
                Arguments.of(Map.of("hidden", List.of(400, 0)), Dataset.UNIT,
                        "stages[1].hidden[1] must be in [1, 1048576], got 0"),
                Arguments.of(Map.of("warmup", -1), Dataset.UNIT, "stages[1].warmup must be in [0, 1000000], got -1"),
                Arguments.of(Map.of("activation", "gelu"), Dataset.UNIT,
                        "stages[1].activation must be one of [sigmoid, tanh, relu, identity], got \"gelu\""),
                Arguments.of(Map.of("iwSamples", -1), Dataset.UNIT, "stages[1].iwSamples must be in [0, 100000], got -1"),
                Arguments.of(Map.of("latnet", 2), Dataset.UNIT, "stages[1].latnet is not a known field here"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("badFields")
    void aBadFieldIsOneLineNamingItsPath(Map<String, ?> fields, String range, String message) {
        SpecException e = error(fields, range);
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void defaultsAreW6AndArePutIntoThePipelineRecord() {
        Spec spec = new Spec("stages[0]", Map.of());
        try (VaeStage s = (VaeStage) provider.create(spec, new TestContext(784, Dataset.UNIT, 1))) {
            VaeSpec v = s.spec();
            assertEquals(List.of(400), v.hidden());
            assertEquals(20, v.latent());
            assertEquals(List.of(400), v.decoderHidden());
            assertEquals(Likelihood.BERNOULLI, v.likelihood());
            assertEquals(128, v.training().batch());
            assertEquals("adam", v.training().optimizer().options().kind());
            assertEquals(0.001, v.training().optimizer().options().lr());
            assertEquals(100, v.iwSamples());
            spec.rejectUnknownFields();
            Map<String, Object> resolved = spec.resolved();
            assertTrue(resolved.toString().contains("likelihood=bernoulli") && resolved.toString().contains("kind=adam"),
                    resolved.toString());
        }
    }

    @Test
    void gaussianOnRealInputLearnsOneVariancePerInputAndSavesIt() {
        Spec spec = new Spec("stages[0]", Map.of("hidden", List.of(8), "latent", 2));
        try (VaeStage s = (VaeStage) provider.create(spec, new TestContext(5, Dataset.REAL, 1))) {
            assertEquals(Likelihood.GAUSSIAN, s.spec().likelihood());
            assertTrue(s.parameters().stream().anyMatch(p -> p.name().equals("logVarX") && p.shape()[0] == 5));
        }
    }

    @Test
    void theKlWeightRisesLinearlyOverTheWarmUpEpochs() {
        Spec spec = new Spec("stages[0]", Map.of("beta", 2.0, "warmup", 2));
        try (VaeStage s = (VaeStage) provider.create(spec, new TestContext(6, Dataset.UNIT, 1))) {
            assertEquals(2.0 * 1 / 20, s.spec().klWeight(0, 0, 10), 1e-12);
            assertEquals(1.0, s.spec().klWeight(0, 9, 10), 1e-12);
            assertEquals(2.0, s.spec().klWeight(1, 9, 10), 1e-12);
            assertEquals(2.0, s.spec().klWeight(5, 0, 10), 1e-12);
        }
    }
}
