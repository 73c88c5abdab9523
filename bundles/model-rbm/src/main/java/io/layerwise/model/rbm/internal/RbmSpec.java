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

/**
 * The fields of an rbm stage, read and validated from its JSON: {@code hidden} (500), {@code visible}
 * ("bernoulli" for input in [0, 1], "gaussian" for real input), {@code k} (1), {@code persistent} (false),
 * {@code sampleVisible} (false for CD, true for PCD; see {@link ContrastiveDivergence}), {@code initStd} (0.01),
 * {@code train} (see {@link TrainingOptions}), {@code regularizers} (each resolved through
 * {@link StageContext#penalty}) and {@code sampleEvery} (1000: Gibbs steps between the rows of samples.png; 0 draws
 * no samples picture).
 */
record RbmSpec(int visible, int hidden, VisibleUnits units, ContrastiveDivergence cd, double initStd,
        TrainingOptions training, List<Penalty> penalties, int sampleEvery) {

    static final int DEFAULT_HIDDEN = 500;
    static final double DEFAULT_INIT_STD = 0.01;
    static final int DEFAULT_SAMPLE_EVERY = 1000;

    RbmSpec {
        if (visible < 1 || hidden < 1 || !(initStd > 0) || units == null || cd == null || training == null
                || sampleEvery < 0) {
            throw new IllegalArgumentException("bad rbm spec: " + visible + " x " + hidden + ", " + units + ", " + cd
                    + ", initStd " + initStd + ", " + training + ", sampleEvery " + sampleEvery);
        }
        penalties = List.copyOf(penalties);
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
        double initStd = spec.number("initStd", DEFAULT_INIT_STD, Range.positive());
        TrainingOptions training = TrainingOptions.read(spec.object("train"));
        List<Penalty> penalties = new ArrayList<>();
        for (Spec r : spec.objects("regularizers")) {
            penalties.add(context.penalty(r));
        }
        int sampleEvery = spec.integer("sampleEvery", DEFAULT_SAMPLE_EVERY, 0, 1_000_000);
        return new RbmSpec(context.inputSize(), hidden, units, new ContrastiveDivergence(k, persistent, sampleVisible),
                initStd, training, penalties, sampleEvery);
    }
}
