package io.layerwise.engine.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Parameter;

/**
 * {@code y = f(x W + b)} in plain Java, for pictures of a saved fine-tuned network (its codes and reconstructions
 * of a few thousand test rows) once training is over and its native buffers are gone.
 */
final class DenseForward {
    private DenseForward() {
    }

    static FloatMatrix apply(FloatMatrix x, Parameter weights, Parameter bias, String activation) {
        int n = x.rows();
        int in = weights.shape()[0];
        int out = weights.shape()[1];
        if (x.cols() != in || bias.values().length != out) {
            throw new IllegalArgumentException(weights.name() + " is " + in + "x" + out + ", input has " + x.cols()
                    + " columns, bias " + bias.values().length + " values");
        }
        float[] w = weights.values();
        float[] b = bias.values();
        float[] xs = x.data();
        float[] y = new float[n * out];
        for (int i = 0; i < n; i++) {
            int o = i * out;
            System.arraycopy(b, 0, y, o, out);
            for (int k = 0; k < in; k++) {
                float a = xs[i * in + k];
                if (a == 0) {
                    continue;
                }
                int wo = k * out;
                for (int j = 0; j < out; j++) {
                    y[o + j] += a * w[wo + j];
                }
            }
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = switch (activation) {
                case "sigmoid" -> (float) (1 / (1 + Math.exp(-y[i])));
                case "tanh" -> (float) Math.tanh(y[i]);
                case "relu" -> Math.max(0, y[i]);
                case "identity" -> y[i];
                default -> throw new IllegalArgumentException("unknown activation " + activation);
            };
        }
        return new FloatMatrix(n, out, y);
    }
}
