package io.layerwise.core.ae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.core.nn.Activation;
import io.layerwise.core.nn.Architecture;
import io.layerwise.core.nn.Loss;
import io.layerwise.core.testing.TestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutoencoderSpecTest {

    private static Spec spec(Map<String, ?> fields) {
        return new Spec("stages[1]", fields);
    }

    @Test
    void unitInputDefaultsToSigmoidDecoderAndCrossEntropy() {
        AutoencoderSpec s = AutoencoderSpec.read(spec(Map.of()), TestContext.withNoOpPenalties(784, Dataset.UNIT, 1));
        assertEquals(new Architecture(784, 500, true, Activation.SIGMOID, Activation.SIGMOID, Loss.CROSS_ENTROPY),
                s.architecture());
        assertEquals(new TrainingOptions(5, 20, io.layerwise.core.optim.OptimizerSpec.sgd(0.1, 0.0)), s.training());
        assertEquals(List.of(), s.penalties());
    }

    @Test
    void realInputDefaultsToIdentityDecoderAndSquaredError() {
        AutoencoderSpec s = AutoencoderSpec.read(spec(Map.of("hidden", 30)), TestContext.withNoOpPenalties(50, Dataset.REAL, 1));
        assertEquals(new Architecture(50, 30, true, Activation.SIGMOID, Activation.IDENTITY, Loss.SQUARED),
                s.architecture());
    }

    @Test
    void crossEntropyOnRealInputIsRejectedNamingTheField() {
        SpecException e = assertThrows(SpecException.class, () -> AutoencoderSpec.read(
                spec(Map.of("loss", "cross-entropy", "decoder", "sigmoid")), TestContext.withNoOpPenalties(50, Dataset.REAL, 1)));
        assertEquals("stages[1].loss", e.path());
        assertEquals("stages[1].loss \"cross-entropy\" needs inputs in [0, 1], but this stage's input range is"
                + " \"real\"; use loss \"squared\"", e.getMessage());
    }

    @Test
    void crossEntropyWithANonSigmoidDecoderIsRejected() {
        SpecException e = assertThrows(SpecException.class, () -> AutoencoderSpec.read(
                spec(Map.of("decoder", "identity")), TestContext.withNoOpPenalties(784, Dataset.UNIT, 1)));
        assertEquals("stages[1].loss", e.path());
    }

    @Test
    void outOfRangeValuesNameTheirPath() {
        TestContext ctx = TestContext.withNoOpPenalties(784, Dataset.UNIT, 1);
        assertEquals("stages[1].hidden must be in [1, 1048576], got 0", assertThrows(SpecException.class,
                () -> AutoencoderSpec.read(spec(Map.of("hidden", 0)), ctx)).getMessage());
        assertEquals("stages[1].train.optimizer.lr must be in (0, inf), got -0.5", assertThrows(SpecException.class,
                () -> AutoencoderSpec.read(spec(Map.of("train", Map.of("optimizer", Map.of("lr", -0.5)))), ctx))
                .getMessage());
        assertEquals("stages[1].train.optimizer.momentum must be in [0, 1), got 1.0", assertThrows(SpecException.class,
                () -> AutoencoderSpec.read(spec(Map.of("train", Map.of("optimizer", Map.of("momentum", 1)))), ctx))
                .getMessage());
        assertEquals("stages[1].encoder", assertThrows(SpecException.class,
                () -> AutoencoderSpec.read(spec(Map.of("encoder", "softmax")), ctx)).path());
    }

    @Test
    void everyKnownFieldIsReadSoOnlyTyposAreUnknown() {
        Spec s = spec(Map.of("hidden", 20, "tied", false, "encoder", "tanh", "decoder", "sigmoid",
                "loss", "cross-entropy", "train", Map.of("epochs", 2, "batch", 8,
                        "optimizer", Map.of("kind", "sgd", "lr", 0.05, "momentum", 0.9)),
                "regularizers", List.of(Map.of("name", "l2", "lambda", 1e-4)), "hiden", 3));
        AutoencoderSpec a = AutoencoderSpec.read(s, TestContext.withNoOpPenalties(784, Dataset.UNIT, 1));
        assertEquals(1, a.penalties().size());
        SpecException e = assertThrows(SpecException.class, s::rejectUnknownFields);
        assertEquals("stages[1].hiden", e.path());
    }
}
