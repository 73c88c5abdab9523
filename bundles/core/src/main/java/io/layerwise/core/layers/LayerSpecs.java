package io.layerwise.core.layers;

import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a list of layers from a stage's JSON ({@code [{"kind": "conv", "filters": 16, "kernel": 3}, ...]}) and
 * follows the sample shape through it, so that every mistake is one line naming the layer's JSON path (stage and
 * index) and its field before anything is allocated: an unknown kind, a stride of 0, a negative padding, a kernel
 * or pool window larger than its (padded) input, a window that does not tile its input exactly, a spatial layer after
 * a flat one, a reshape to a different number of values.
 *
 * <p>Fields: {@code conv} filters, kernel, stride (1), padding (0); {@code conv-transpose} the same and outputPadding
 * (0, below the stride); {@code max-pool} size, stride (the size); {@code batch-norm} momentum (0.1), epsilon (1e-5);
 * {@code dense} units; {@code flatten}; {@code reshape} shape [channels, height, width]; {@code leaky-relu} slope
 * (0.01); {@code relu}, {@code tanh}, {@code sigmoid}, {@code identity}.
 */
public final class LayerSpecs {
    /** Every layer kind, for messages and documentation. */
    public static final List<String> KINDS = List.of("conv", "conv-transpose", "max-pool", "batch-norm", "dense",
            "flatten", "reshape", "relu", "leaky-relu", "tanh", "sigmoid", "identity");
    private static final int MAX = 1 << 16;

    private LayerSpecs() {
    }

    /** The plans of {@code layers} in order, the first taking {@code input}. */
    public static List<LayerPlan> read(List<Spec> layers, Shape input) {
        List<LayerPlan> plans = new ArrayList<>();
        Shape shape = input;
        String previous = "the stage's input";
        for (Spec layer : layers) {
            LayerPlan plan = read(layer, shape, previous);
            plans.add(plan);
            shape = plan.output();
            previous = plan.path() + " (" + plan.kind() + ")";
        }
        return plans;
    }

    /** Total trained values. */
    public static long parameters(List<LayerPlan> plans) {
        return plans.stream().mapToLong(LayerPlan::parameters).sum();
    }

    private static LayerPlan read(Spec s, Shape in, String previous) {
        if (!s.has("kind")) {
            throw new SpecException(s.pathOf("kind"), "is required; one of " + String.join(", ", KINDS));
        }
        String kind = s.text("kind", "");
        String path = s.path();
        switch (kind) {
            case "conv" -> {
                image(s, in, previous);
                int filters = s.integer("filters", 1, MAX);
                int k = s.integer("kernel", 1, MAX);
                int stride = s.integer("stride", 1, 1, MAX);
                int padding = s.integer("padding", 0, 0, MAX);
                window(s, in, "kernel", k, stride, padding);
                Shape out = Conv.output(in, filters, k, stride, padding);
                return new LayerPlan(kind, path, in, out, Conv.parameterCount(in, filters, k),
                        (t, r) -> new Conv(in, filters, k, stride, padding, t, r));
            }
            case "conv-transpose" -> {
                image(s, in, previous);
                int filters = s.integer("filters", 1, MAX);
                int k = s.integer("kernel", 1, MAX);
                int stride = s.integer("stride", 1, 1, MAX);
                int padding = s.integer("padding", 0, 0, MAX);
                int outputPadding = s.integer("outputPadding", 0, 0, MAX);
                if (outputPadding >= stride) {
                    throw new SpecException(s.pathOf("outputPadding"), "must be below the stride " + stride
                            + ", got " + outputPadding);
                }
                int side = Math.min(in.height(), in.width());
                if ((side - 1) * stride - 2 * padding + k + outputPadding < 1) {
                    throw new SpecException(s.pathOf("padding"), "padding " + padding + " leaves no output: input "
                            + in + ", kernel " + k + ", stride " + stride);
                }
                Shape out = ConvTranspose.output(in, filters, k, stride, padding, outputPadding);
                return new LayerPlan(kind, path, in, out, ConvTranspose.parameterCount(in, filters, k),
                        (t, r) -> new ConvTranspose(in, filters, k, stride, padding, outputPadding, t, r));
            }
            case "max-pool" -> {
                image(s, in, previous);
                int size = s.integer("size", 1, MAX);
                int stride = s.integer("stride", size, 1, MAX);
                window(s, in, "size", size, stride, 0);
                Shape out = MaxPool.output(in, size, stride);
                return new LayerPlan(kind, path, in, out, 0, (t, r) -> new MaxPool(in, size, stride));
            }
            case "batch-norm" -> {
                double momentum = s.number("momentum", 0.1, Range.closed(0, 1));
                double epsilon = s.number("epsilon", 1e-5, Range.positive());
                return new LayerPlan(kind, path, in, in, 2L * in.channels(),
                        (t, r) -> new BatchNorm(in, momentum, epsilon, t));
            }
            case "dense" -> {
                int units = s.integer("units", 1, 1 << 20);
                return new LayerPlan(kind, path, in, Shape.vector(units), Dense.parameterCount(in, units),
                        (t, r) -> new Dense(in, units, t, r));
            }
            case "flatten" -> {
                Shape out = Shape.vector(in.size());
                return new LayerPlan(kind, path, in, out, 0, (t, r) -> new Reshape(kind, in, out));
            }
            case "reshape" -> {
                if (!s.has("shape")) {
                    throw new SpecException(s.pathOf("shape"), "is required: [channels, height, width]");
                }
                List<Integer> d = s.integers("shape", List.of(), 1, 1 << 20);
                if (d.size() != 3) {
                    throw new SpecException(s.pathOf("shape"), "must be [channels, height, width], got " + d);
                }
                Shape out = Shape.image(d.get(0), d.get(1), d.get(2));
                if ((long) d.get(0) * d.get(1) * d.get(2) != in.size()) {
                    throw new SpecException(s.pathOf("shape"), out + " holds " + (long) d.get(0) * d.get(1) * d.get(2)
                            + " values but its input " + in + " holds " + in.size());
                }
                return new LayerPlan(kind, path, in, out, 0, (t, r) -> new Reshape(kind, in, out));
            }
            case "relu", "tanh", "sigmoid", "identity", "leaky-relu" -> {
                double slope = kind.equals("leaky-relu") ? s.number("slope", 0.01, Range.nonNegative()) : 0.0;
                return new LayerPlan(kind, path, in, in, 0, (t, r) -> new Activate(kind, in, slope));
            }
            default -> throw new SpecException(s.pathOf("kind"), "is an unknown layer kind \"" + kind + "\"; known: "
                    + String.join(", ", KINDS));
        }
    }

    /** Spatial layers need an image: a flat input (after dense or flatten) needs a reshape first. */
    private static void image(Spec s, Shape in, String previous) {
        if (in.flat()) {
            throw new SpecException(s.pathOf("kind"), s.text("kind", "") + " needs an input [channels, height, width]"
                    + " but " + previous + " gives " + in + "; put a reshape before it");
        }
    }

    /** A window of {@code k} every {@code stride} must fit the padded input and tile it exactly. */
    private static void window(Spec s, Shape in, String field, int k, int stride, int padding) {
        int h = in.height() + 2 * padding;
        int w = in.width() + 2 * padding;
        String padded = padding == 0 ? "" : " padded by " + padding;
        if (k > h || k > w) {
            throw new SpecException(s.pathOf(field), k + "x" + k + " is larger than the input " + in + padded);
        }
        if ((h - k) % stride != 0 || (w - k) % stride != 0) {
            throw new SpecException(s.pathOf(field), k + "x" + k + " windows every " + stride
                    + " do not tile the input " + in + padded + " exactly (" + h + " - " + k + " is not a multiple of "
                    + stride + "); change the kernel, stride or padding");
        }
    }
}
