package io.layerwise.api.stage;

/**
 * One dense layer {@code y = f(x W + b)} as plain values: how a pretrained stage hands its encoder (or decoder)
 * to supervised fine-tuning and to unrolling into a deep autoencoder.
 *
 * @param weights    {@code inputs x outputs}, row-major
 * @param bias       {@code outputs} values
 * @param activation {@code sigmoid}, {@code tanh}, {@code relu} or {@code identity}
 */
public record DenseLayer(Parameter weights, Parameter bias, String activation) {

    public DenseLayer {
        if (weights.shape().length != 2 || bias.shape().length != 1 || bias.shape()[0] != weights.shape()[1]) {
            throw new IllegalArgumentException("a dense layer needs weights inputs x outputs and a bias of outputs values,"
                    + " got " + weights + " and " + bias);
        }
    }

    public int inputs() {
        return weights.shape()[0];
    }

    public int outputs() {
        return weights.shape()[1];
    }
}
