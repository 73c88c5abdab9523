package io.layerwise.model.convae.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.StageContext;
import io.layerwise.core.ae.TrainingOptions;
import io.layerwise.core.layers.LayerPlan;
import io.layerwise.core.layers.LayerSpecs;
import io.layerwise.core.layers.Shape;
import java.util.List;
import java.util.Map;

/**
 * The fields of a conv-ae stage: {@code input} (the sample shape [channels, height, width]; [1, s, s] by default when
 * the input width is a square s^2), {@code encoder} and {@code decoder} (layer lists, {@link LayerSpecs}; the code is
 * the encoder's output, the decoder must give back the input's shape), {@code loss} ("squared-error": mean over pixels
 * per sample; "cross-entropy": summed over pixels, for inputs in [0, 1] and a decoder ending in sigmoid),
 * {@code weightDecay} (0: {@code g += weightDecay * theta} for every parameter before the optimizer's step, as
 * PyTorch's Adam does), {@code shuffle} (true) and {@code train} (batch 128, Adam lr 0.001 by default).
 */
record ConvAeSpec(Shape input, List<LayerPlan> encoder, List<LayerPlan> decoder, String loss, double weightDecay,
        boolean shuffle, TrainingOptions training, String path) {

    static final String SQUARED_ERROR = "squared-error";
    static final String CROSS_ENTROPY = "cross-entropy";

    ConvAeSpec {
        encoder = List.copyOf(encoder);
        decoder = List.copyOf(decoder);
    }

    static ConvAeSpec read(Spec spec, StageContext context) {
        Shape input = input(spec, context.inputSize());
        List<Spec> enc = spec.objects("encoder");
        if (enc.isEmpty()) {
            throw new SpecException(spec.pathOf("encoder"), "is required: a list of layers, e.g. [{\"kind\": \"conv\","
                    + " \"filters\": 16, \"kernel\": 3}, ...]");
        }
        List<LayerPlan> encoder = LayerSpecs.read(enc, input);
        List<Spec> dec = spec.objects("decoder");
        if (dec.isEmpty()) {
            throw new SpecException(spec.pathOf("decoder"), "is required: a list of layers back to the input " + input);
        }
        List<LayerPlan> decoder = LayerSpecs.read(dec, encoder.get(encoder.size() - 1).output());
        LayerPlan last = decoder.get(decoder.size() - 1);
        if (!last.output().equals(input)) {
            throw new SpecException(last.path(), "(" + last.kind() + ") ends the decoder with " + last.output()
                    + ", but the stage's input is " + input + ": the decoder must give back the input's shape");
        }
        String loss = spec.choice("loss", SQUARED_ERROR, SQUARED_ERROR, CROSS_ENTROPY);
        if (CROSS_ENTROPY.equals(loss)) {
            if (!Dataset.UNIT.equals(context.inputRange())) {
                throw new SpecException(spec.pathOf("loss"), "\"cross-entropy\" needs inputs in [0, 1], but this"
                        + " stage's input range is \"" + context.inputRange() + "\"; use \"squared-error\"");
            }
            if (!"sigmoid".equals(last.kind())) {
                throw new SpecException(last.path(), "is " + last.kind() + ", but loss \"cross-entropy\" needs the"
                        + " decoder to end with a sigmoid layer");
            }
        }
        double weightDecay = spec.number("weightDecay", 0.0, Range.nonNegative());
        boolean shuffle = spec.flag("shuffle", true);
        Spec train = spec.object("train");
        if (!train.has("batch")) {
            train.set("batch", 128);
        }
        if (!train.has("optimizer")) {
            train.set("optimizer", Map.of("kind", "adam", "lr", 0.001));
        }
        return new ConvAeSpec(input, encoder, decoder, loss, weightDecay, shuffle, TrainingOptions.read(train),
                spec.path());
    }

    private static Shape input(Spec spec, int width) {
        int side = (int) Math.round(Math.sqrt(width));
        if (!spec.has("input") && side * side != width) {
            throw new SpecException(spec.pathOf("input"), "is required: the input has " + width + " values per row,"
                    + " not a square image; give [channels, height, width]");
        }
        List<Integer> d = spec.integers("input", List.of(1, side, side), 1, 1 << 20);
        if (d.size() != 3 || (long) d.get(0) * d.get(1) * d.get(2) != width) {
            throw new SpecException(spec.pathOf("input"), "must be [channels, height, width] holding the " + width
                    + " values of a row, got " + d);
        }
        return Shape.image(d.get(0), d.get(1), d.get(2));
    }

    /** Trained values in encoder and decoder. */
    long parameterCount() {
        return LayerSpecs.parameters(encoder) + LayerSpecs.parameters(decoder);
    }

    /** Values saved with the model: the trained ones and batch-norm's running mean and variance. */
    long savedCount() {
        long stats = 0;
        for (List<LayerPlan> plans : List.of(encoder, decoder)) {
            for (LayerPlan p : plans) {
                stats += "batch-norm".equals(p.kind()) ? 2L * p.input().channels() : 0;
            }
        }
        return parameterCount() + stats;
    }

    Shape code() {
        return encoder.get(encoder.size() - 1).output();
    }

    String pathOf(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
