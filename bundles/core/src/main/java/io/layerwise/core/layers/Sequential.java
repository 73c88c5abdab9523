package io.layerwise.core.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Layers applied one after another; {@link #forward} keeps each layer's input for {@link #backward}. */
public final class Sequential implements AutoCloseable {
    private final List<Layer> layers;

    public Sequential(List<Layer> layers) {
        this.layers = List.copyOf(layers);
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

    /** The activations of one forward pass: {@code values.get(i)} is layer i's input, the last one the output. */
    public record Tape(List<INDArray> values) {
        public INDArray output() {
            return values.get(values.size() - 1);
        }
    }

    public Tape forward(INDArray x, boolean training) {
        List<INDArray> values = new ArrayList<>(layers.size() + 1);
        values.add(x);
        for (Layer l : layers) {
            values.add(l.forward(values.get(values.size() - 1), training));
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
        INDArray d = dy;
        for (int i = from - 1; i >= 0; i--) {
            d = layers.get(i).backward(tape.values().get(i), tape.values().get(i + 1), d);
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
        layers.forEach(Layer::close);
    }
}
