package io.layerwise.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.core.ae.TrainingOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code train.optimizer} as the pipeline file gives it, read through {@link TrainingOptions#read}. */
class OptimizerSpecTest {

    static Spec train(Map<String, ?> optimizer) {
        Map<String, Object> train = new LinkedHashMap<>();
        train.put("epochs", 10);
        train.put("optimizer", optimizer);
        return new Spec("stages[0].train", train);
    }

    static OptimizerSpec read(Map<String, ?> optimizer) {
        Spec s = train(optimizer);
        OptimizerSpec o = TrainingOptions.read(s).optimizer();
        s.rejectUnknownFields();
        return o;
    }

    static String error(Map<String, ?> optimizer) {
        return assertThrows(SpecException.class, () -> read(optimizer)).getMessage();
    }

    @Test
    void eachKindHasItsDefaults() {
        Schedule constant = new Schedule.Constant();
        assertEquals(new OptimizerSpec(new Sgd.Options(0.1, 0), constant), read(Map.of()));
        assertEquals(new OptimizerSpec(new Sgd.Options(0.1, 0), constant), read(Map.of("kind", "sgd")));
        assertEquals(new OptimizerSpec(new Sgd.Options(0.1, 0.9, true), constant), read(Map.of("kind", "nesterov")));
        assertEquals(new OptimizerSpec(new Adam.Options(0.001, 0.9, 0.999, 1e-8), constant), read(Map.of("kind", "adam")));
        assertEquals(new OptimizerSpec(new RmsProp.Options(0.001, 0.9, 1e-8), constant), read(Map.of("kind", "rmsprop")));
        assertEquals(new OptimizerSpec(new AdaGrad.Options(0.01, 1e-8), constant), read(Map.of("kind", "adagrad")));
    }

    @Test
    void everyFieldAndScheduleIsRead() {
        assertEquals(new OptimizerSpec(new Adam.Options(0.01, 0.8, 0.99, 1e-6), new Schedule.Cosine(1e-4, 10)),
                read(Map.of("kind", "adam", "lr", 0.01, "beta1", 0.8, "beta2", 0.99, "eps", 1e-6,
                        "schedule", Map.of("kind", "cosine", "minLr", 1e-4))));
        assertEquals(new OptimizerSpec(new Sgd.Options(0.05, 0.5, true), new Schedule.Step(3, 0.5)),
                read(Map.of("kind", "nesterov", "lr", 0.05, "momentum", 0.5,
                        "schedule", Map.of("kind", "step", "every", 3, "factor", 0.5))));
        assertEquals(new OptimizerSpec(new RmsProp.Options(0.002, 0.95, 1e-7), new Schedule.Exponential(0.9)),
                read(Map.of("kind", "rmsprop", "lr", 0.002, "rho", 0.95, "eps", 1e-7,
                        "schedule", Map.of("kind", "exponential", "gamma", 0.9))));
        assertEquals(new Schedule.Step(2, 0.1), read(Map.of("schedule", Map.of("kind", "step", "every", 2))).schedule());
        assertEquals(new Schedule.Cosine(0, 10), read(Map.of("schedule", Map.of("kind", "cosine"))).schedule(),
                "cosine runs over the stage's epochs, down to 0 by default");
    }

    @Test
    void outOfRangeValuesNameTheirJsonPath() {
        assertEquals("stages[0].train.optimizer.beta1 must be in [0, 1), got 1.0",
                error(Map.of("kind", "adam", "beta1", 1)));
        assertEquals("stages[0].train.optimizer.beta2 must be in [0, 1), got -0.5",
                error(Map.of("kind", "adam", "beta2", -0.5)));
        assertEquals("stages[0].train.optimizer.eps must be in (0, inf), got 0.0", error(Map.of("kind", "adagrad", "eps", 0)));
        assertEquals("stages[0].train.optimizer.rho must be in [0, 1), got 1.0", error(Map.of("kind", "rmsprop", "rho", 1)));
        assertEquals("stages[0].train.optimizer.momentum must be in (0, 1), got 0.0",
                error(Map.of("kind", "nesterov", "momentum", 0)));
        assertEquals("stages[0].train.optimizer.lr must be in (0, inf), got -1.0", error(Map.of("kind", "adam", "lr", -1)));
        assertEquals("stages[0].train.optimizer.kind must be one of [sgd, nesterov, adam, rmsprop, adagrad], got \"adamw\"",
                error(Map.of("kind", "adamw")));
    }

    @Test
    void aFieldOfAnotherKindIsRejectedNamingWhereItBelongs() {
        assertEquals("stages[0].train.optimizer.beta1 does not apply to kind \"sgd\" (only to adam); sgd takes lr, momentum",
                error(Map.of("kind", "sgd", "beta1", 0.9)));
        assertEquals("stages[0].train.optimizer.momentum does not apply to kind \"adam\" (only to nesterov, sgd); adam"
                + " takes lr, beta1, beta2, eps", error(Map.of("kind", "adam", "momentum", 0.9)));
        assertEquals("stages[0].train.optimizer.eps does not apply to kind \"sgd\" (only to adagrad, adam, rmsprop); sgd"
                + " takes lr, momentum", error(Map.of("eps", 1e-8)));
        assertEquals("stages[0].train.optimizer.schedule.gamma does not apply to kind \"step\" (only to exponential);"
                + " step takes every, factor", error(Map.of("schedule", Map.of("kind", "step", "every", 2, "gamma", 0.5))));
        assertEquals("stages[0].train.optimizer.schedule.minLr does not apply to kind \"constant\" (only to cosine);"
                + " constant takes no other fields", error(Map.of("schedule", Map.of("minLr", 0.01))));
    }

    @Test
    void unknownFieldsAreTyposNamedWithTheirPath() {
        SpecException e = assertThrows(SpecException.class, () -> read(Map.of("kind", "adam", "betta1", 0.9)));
        assertEquals("stages[0].train.optimizer.betta1", e.path());
        e = assertThrows(SpecException.class, () -> read(Map.of("schedule", Map.of("kind", "step", "every", 2, "evry", 1))));
        assertEquals("stages[0].train.optimizer.schedule.evry", e.path());
    }

    @Test
    void scheduleFieldsAreValidatedWithTheirPath() {
        assertEquals("stages[0].train.optimizer.schedule.every is required (an integer in [1, 1000000])",
                error(Map.of("schedule", Map.of("kind", "step"))));
        assertEquals("stages[0].train.optimizer.schedule.factor must be in (0, 1], got 2.0",
                error(Map.of("schedule", Map.of("kind", "step", "every", 1, "factor", 2))));
        assertEquals("stages[0].train.optimizer.schedule.gamma is required (a number in (0, 1])",
                error(Map.of("schedule", Map.of("kind", "exponential"))));
        assertEquals("stages[0].train.optimizer.schedule.minLr must be in [0, 0.1], got 0.5",
                error(Map.of("schedule", Map.of("kind", "cosine", "minLr", 0.5))));
        assertEquals("stages[0].train.optimizer.schedule.kind must be one of [constant, step, exponential, cosine],"
                + " got \"linear\"", error(Map.of("schedule", Map.of("kind", "linear"))));
    }

    @Test
    void theResolvedSpecShowsTheDefaultsThatRan() {
        Spec s = train(Map.of("kind", "adam"));
        TrainingOptions.read(s);
        assertEquals(Map.of("kind", "adam", "lr", 0.001, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8,
                "schedule", Map.of("kind", "constant")), s.resolved().get("optimizer"));
    }
}
