package io.layerwise.model.vae.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.StageContext;
import io.layerwise.core.ae.TrainingOptions;
import io.layerwise.core.nn.Activation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a vae stage, read and validated from its JSON: {@code hidden} (the encoder's hidden widths,
 * [400]), {@code latent} (20), {@code decoderHidden} (the encoder's widths reversed), {@code activation} ("relu"),
 * {@code likelihood} ("bernoulli" for input in [0, 1], else "gaussian"), {@code variance} (gaussian only: a fixed
 * variance; absent, one log-variance per input is learned, which data in [0, 1] do not allow), {@code beta} (1: the
 * KL weight), {@code warmup} (0: epochs over which the KL weight rises linearly from 0 to beta), {@code iwSamples}
 * (100: k of the importance-weighted log-likelihood at the end of the stage; 0 skips it), {@code shuffle} (true:
 * a fresh order of the training rows each epoch) and {@code train} (default batch 128, Adam lr 0.001).
 */
record VaeSpec(int inputs, List<Integer> hidden, int latent, List<Integer> decoderHidden, Activation activation,
        Likelihood likelihood, double variance, double beta, int warmup, int iwSamples, boolean shuffle,
        TrainingOptions training, String path) {

    static final List<Integer> DEFAULT_HIDDEN = List.of(400);
    static final int DEFAULT_LATENT = 20;
    static final int DEFAULT_IW_SAMPLES = 100;
    static final int MAX_WIDTH = 1 << 20;

    VaeSpec {
        hidden = List.copyOf(hidden);
        decoderHidden = List.copyOf(decoderHidden);
        if (inputs < 1 || latent < 1 || !(beta >= 0) || warmup < 0 || iwSamples < 0 || training == null) {
            throw new IllegalArgumentException("bad vae spec: " + inputs + " -> " + hidden + " -> " + latent
                    + ", beta " + beta + ", warmup " + warmup + ", iwSamples " + iwSamples);
        }
    }

    /** Reads the fields; a bad value throws a {@link SpecException} naming its JSON path. */
    static VaeSpec read(Spec spec, StageContext context) {
        boolean unit = Dataset.UNIT.equals(context.inputRange());
        List<Integer> hidden = spec.integers("hidden", DEFAULT_HIDDEN, 1, MAX_WIDTH);
        int latent = spec.integer("latent", DEFAULT_LATENT, 1, 65_536);
        List<Integer> reversed = new ArrayList<>(hidden);
        Collections.reverse(reversed);
        List<Integer> decoderHidden = spec.integers("decoderHidden", reversed, 1, MAX_WIDTH);
        Activation activation = Activation.fromJson(spec.choice("activation", "relu", Activation.jsonNames()));
        Likelihood likelihood = Likelihood.fromJson(
                spec.choice("likelihood", unit ? "bernoulli" : "gaussian", Likelihood.jsonNames()));
        if (likelihood == Likelihood.BERNOULLI && !unit) {
            throw new SpecException(spec.pathOf("likelihood"), "\"bernoulli\" needs inputs in [0, 1], but this stage's"
                    + " input range is \"" + context.inputRange() + "\"; use \"gaussian\"");
        }
        double variance = Double.NaN;
        if (spec.has("variance")) {
            if (likelihood != Likelihood.GAUSSIAN) {
                throw new SpecException(spec.pathOf("variance"), "applies to likelihood \"gaussian\" only");
            }
            variance = spec.number("variance", Range.positive());
        } else if (likelihood == Likelihood.GAUSSIAN && unit) {
            throw new SpecException(spec.pathOf("variance"), "is required for likelihood \"gaussian\" on inputs in"
                    + " [0, 1]: a learned variance collapses on pixels that are always 0; give one (e.g. 0.01) or use"
                    + " \"bernoulli\"");
        }
        double beta = spec.number("beta", 1.0, Range.nonNegative());
        int warmup = spec.integer("warmup", 0, 0, 1_000_000);
        int iwSamples = spec.integer("iwSamples", DEFAULT_IW_SAMPLES, 0, 100_000);
        boolean shuffle = spec.flag("shuffle", true);
        Spec train = spec.object("train");
        if (!train.has("batch")) {
            train.set("batch", 128);
        }
        if (!train.has("optimizer")) {
            Map<String, Object> adam = new LinkedHashMap<>();
            adam.put("kind", "adam");
            adam.put("lr", 0.001);
            train.set("optimizer", adam);
        }
        TrainingOptions training = TrainingOptions.read(train);
        return new VaeSpec(context.inputSize(), hidden, latent, decoderHidden, activation, likelihood, variance, beta,
                warmup, iwSamples, shuffle, training, spec.path());
    }

    /** The KL weight of minibatch {@code batch} of {@code batches} in epoch {@code epoch} (0 = the first). */
    double klWeight(int epoch, int batch, int batches) {
        if (warmup == 0) {
            return beta;
        }
        double done = (epoch * (double) batches + batch + 1) / ((double) warmup * batches);
        return beta * Math.min(1, done);
    }

    /** The path of a field of this stage, e.g. {@code stages[0].train.optimizer.lr}. */
    String pathOf(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
