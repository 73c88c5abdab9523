package io.layerwise.core.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layers applied one after another; {@link #forward} keeps each layer's input for {@link #backward}. In float32 a
 * convolution followed by a rectifier and batch-norm runs as one {@link ConvBlock} (fewer passes over memory, the
 * same arithmetic); the two values inside such a block are then not kept (null in the {@link Tape}).
 */
public final class Sequential implements AutoCloseable {
    private final List<Layer> layers;
    // blocks[i]: the block starting at layer i, or null; never one that ends with the last layer, so that a backward
    // pass that skips the last layer (a loss fused with its output activation) never starts inside a block
    private final ConvBlock[] blocks;

    public Sequential(List<Layer> layers) {
        this.layers = List.copyOf(layers);
        this.blocks = new ConvBlock[this.layers.size()];
        for (int i = 0; i + 3 < this.layers.size(); i++) {
            blocks[i] = ConvBlock.at(this.layers, i);
            if (blocks[i] != null) {
                i += 2;
            }
        }
    }

    /** Builds every plan in order, drawing initial parameters from {@code random}. */
    public static Sequential build(List<LayerPlan> plans, DataType type, SplittableRandom random) {
        List<Layer> layers = new ArrayList<>();
        for (LayerPlan p : plans) {
            layers.add(p.build(type, random));
        }
        return new Sequential(layers);
    }

    public List<Layer> layers() {
        return layers;
    }

    /**
     * The activations of one forward pass: {@code values.get(i)} is layer i's input, the last one the output; null for
     * the two values inside a block run as one ({@link ConvBlock}).
     */
    public record Tape(List<INDArray> values) {
        public INDArray output() {
            return values.get(values.size() - 1);
        }
    }

    public Tape forward(INDArray x, boolean training) {
        List<INDArray> values = new ArrayList<>(layers.size() + 1);
        values.add(x);
        for (int i = 0; i < layers.size(); i++) {
            INDArray in = values.get(i);
            if (blocks[i] != null && Floats.fast(in)) {
                values.add(null);
                values.add(null);
                values.add(blocks[i].forward(in, training));
                i += 2;
            } else {
                values.add(layers.get(i).forward(in, training));
            }
        }
        return new Tape(values);
    }

    /** The output alone, for encoding and evaluation. */
    public INDArray apply(INDArray x, boolean training) {
        return forward(x, training).output();
    }

    /**
     * Back-propagates {@code dy} (with respect to the output) through layers {@code [0, from)} of a training pass,
     * filling their gradients; {@code from} below the layer count skips the last layers (a loss that is fused with
     * its output activation gives the gradient with respect to that activation's input).
     *
     * @return the gradient with respect to the network's input
     */
    public INDArray backward(Tape tape, INDArray dy, int from) {
        return backward(tape, dy, from, true);
    }

    /**
     * As {@link #backward(Tape, INDArray, int)}; without {@code inputGradient} the first layer may skip its input
     * gradient (a convolution block's {@code W^T dY} product and col2im) and the result is then null.
     */
    public INDArray backward(Tape tape, INDArray dy, int from, boolean inputGradient) {
        INDArray d = dy;
        for (int i = from - 1; i >= 0; i--) {
            int start = i - 2;
            if (start >= 0 && blocks[start] != null && tape.values().get(i) == null) {
                d = blocks[start].backward(d, inputGradient || start > 0);
                i = start;
            } else {
                d = layers.get(i).backward(tape.values().get(i), tape.values().get(i + 1), d);
            }
        }
        return d;
    }

    public INDArray backward(Tape tape, INDArray dy) {
        return backward(tape, dy, layers.size());
    }

    public List<INDArray> parameters() {
        List<INDArray> out = new ArrayList<>();
        layers.forEach(l -> out.addAll(l.parameters()));
        return out;
    }

    public List<INDArray> gradients() {
        List<INDArray> out = new ArrayList<>();
        layers.forEach(l -> out.addAll(l.gradients()));
        return out;
    }

    @Override
    public void close() {
        for (ConvBlock b : blocks) {
            if (b != null) {
                b.close();
            }
        }
        layers.forEach(Layer::close);
    }
}
