package io.layerwise.core.nn;

/**
 * The shape and functions of a one-hidden-layer autoencoder {@code y = f(x W + bh)}, {@code z = g(y W' + bv)}.
 *
 * @param inputs  width of {@code x}
 * @param hidden  width of {@code y}
 * @param tied    {@code W' = W^T} when true; otherwise the decoder has its own weights
 * @param encoder {@code f}
 * @param decoder {@code g}
 * @param loss    reconstruction loss; cross-entropy needs a sigmoid decoder
 */
public record Architecture(int inputs, int hidden, boolean tied, Activation encoder, Activation decoder, Loss loss) {

    public Architecture {
        if (inputs < 1 || hidden < 1) {
            throw new IllegalArgumentException("inputs and hidden must be positive, got " + inputs + " and " + hidden);
        }
        if (encoder == null || decoder == null || loss == null) {
            throw new IllegalArgumentException("encoder, decoder and loss are required");
        }
        if (loss == Loss.CROSS_ENTROPY && decoder != Activation.SIGMOID) {
            throw new IllegalArgumentException("cross-entropy needs a sigmoid decoder, got " + decoder.jsonName());
        }
    }
}
