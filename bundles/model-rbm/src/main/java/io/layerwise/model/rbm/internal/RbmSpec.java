package io.layerwise.model.rbm.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.StageContext;
import io.layerwise.core.ae.TrainingOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The fields of an rbm stage, read and validated from its JSON: {@code hidden} (500), {@code visible}
 * ("bernoulli" for input in [0, 1], "gaussian" for real input), {@code k} (1), {@code persistent} (false),
 * {@code sampleVisible} (false for CD, true for PCD; see {@link ContrastiveDivergence}), {@code trainError}
 * ("mean-field"; "sampled" for CD only: see {@link TrainError}), {@code initStd} (0.01),
 * {@code train} (see {@link TrainingOptions}), {@code regularizers} (each resolved through
 * {@link StageContext#penalty}), {@code sampleSteps} ([1, 10, 100, 1000]: the Gibbs step counts after which
 * samples.png shows its chains; [] draws none) and {@code ais} ({@link AisOptions}). The earlier {@code sampleEvery: k}
 * (saved runs have it) still reads: ten rows, one every {@code k} steps, none for 0.
 */
record RbmSpec(int visible, int hidden, VisibleUnits units, ContrastiveDivergence cd, TrainError trainError,
        double initStd, TrainingOptions training, List<Penalty> penalties, List<Integer> sampleSteps, AisOptions ais) {

    static final int DEFAULT_HIDDEN = 500;
    static final double DEFAULT_INIT_STD = 0.01;
    static final List<Integer> DEFAULT_SAMPLE_STEPS = List.of(1, 10, 100, 1000);
    static final int MAX_SAMPLE_ROWS = 20;

    RbmSpec {
        if (visible < 1 || hidden < 1 || !(initStd > 0) || units == null || cd == null || trainError == null
                || training == null || ais == null) {
            throw new IllegalArgumentException("bad rbm spec: " + visible + " x " + hidden + ", " + units + ", " + cd
                    + ", " + trainError + ", initStd " + initStd + ", " + training + ", " + ais);
        }
        penalties = List.copyOf(penalties);
        sampleSteps = List.copyOf(sampleSteps);
        for (int i = 0; i < sampleSteps.size(); i++) {
            if (sampleSteps.get(i) < 1 || i > 0 && sampleSteps.get(i) <= sampleSteps.get(i - 1)) {
                throw new IllegalArgumentException("sampleSteps must be positive and increasing, got " + sampleSteps);
            }
        }
    }

    /** Reads the fields; a bad value throws a {@link SpecException} naming its JSON path. */
    static RbmSpec read(Spec spec, StageContext context) {
        boolean unit = Dataset.UNIT.equals(context.inputRange());
        int hidden = spec.integer("hidden", DEFAULT_HIDDEN, 1, 1 << 20);
        VisibleUnits units = VisibleUnits.fromJson(
                spec.choice("visible", unit ? "bernoulli" : "gaussian", VisibleUnits.jsonNames()));
        if (units == VisibleUnits.BERNOULLI && !unit) {
            throw new SpecException(spec.pathOf("visible"), "\"bernoulli\" needs inputs in [0, 1], but this stage's"
                    + " input range is \"" + context.inputRange() + "\"; use \"gaussian\" (unit variance: whiten first)");
        }
        int k = spec.integer("k", 1, 1, 100_000);
        boolean persistent = spec.flag("persistent", false);
        boolean sampleVisible = spec.flag("sampleVisible", persistent);
        TrainError trainError = TrainError.fromJson(spec.choice("trainError", "mean-field", TrainError.jsonNames()));
        if (trainError == TrainError.SAMPLED && persistent) {
            throw new SpecException(spec.pathOf("trainError"), "\"sampled\" needs CD (persistent false): a persistent"
                    + " chain does not start at the data; use \"mean-field\"");
        }
        double initStd = spec.number("initStd", DEFAULT_INIT_STD, Range.positive());
        TrainingOptions training = TrainingOptions.read(spec.object("train"));
        List<Penalty> penalties = new ArrayList<>();
        for (Spec r : spec.objects("regularizers")) {
            penalties.add(context.penalty(r));
        }
        return new RbmSpec(context.inputSize(), hidden, units, new ContrastiveDivergence(k, persistent, sampleVisible),
                trainError, initStd, training, penalties, sampleSteps(spec), AisOptions.read(spec.object("ais")));
    }

    private static List<Integer> sampleSteps(Spec spec) {
        if (spec.has("sampleEvery")) {
            if (spec.has("sampleSteps")) {
                throw new SpecException(spec.pathOf("sampleEvery"), "cannot go with sampleSteps; give sampleSteps only");
            }
            int every = spec.integer("sampleEvery", 1000, 0, 1_000_000);
            return every == 0 ? List.of() : IntStream.rangeClosed(1, 10).mapToObj(i -> i * every).toList();
        }
        List<Integer> steps = spec.integers("sampleSteps", DEFAULT_SAMPLE_STEPS, 1, 10_000_000);
        if (steps.size() > MAX_SAMPLE_ROWS) {
            throw new SpecException(spec.pathOf("sampleSteps"), "has " + steps.size() + " step counts; at most "
                    + MAX_SAMPLE_ROWS + " rows are drawn");
        }
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i) <= steps.get(i - 1)) {
                throw new SpecException(spec.pathOf("sampleSteps") + "[" + i + "]", "must be larger than the step"
                        + " count before it (" + steps.get(i - 1) + "), got " + steps.get(i));
            }
        }
        return steps;
    }
}
