package io.layerwise.core.layers;

/** A layer's input and output shapes, fixed when it is built. */
abstract class ShapedLayer implements Layer {
    final Shape in;
    final Shape out;

    ShapedLayer(Shape in, Shape out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public final Shape input() {
        return in;
    }

    @Override
    public final Shape output() {
        return out;
    }
}
