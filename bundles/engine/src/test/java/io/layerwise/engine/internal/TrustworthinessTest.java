package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.layerwise.api.data.FloatMatrix;
import org.junit.jupiter.api.Test;

/** Against scikit-learn 1.2's {@code sklearn.manifold.trustworthiness}: tools/reference/trustworthiness.py. */
class TrustworthinessTest {
    private static final int N = 300;
    private static final int D = 12;

    private static FloatMatrix input() {
        float[] x = new float[N * D];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < D; j++) {
                x[i * D + j] = (float) (noise(i, j) + 0.5 * Math.sin(0.05 * i));
            }
        }
        return new FloatMatrix(N, D, x);
    }

    /** A repeatable value in [0, 1) that looks random (the shader-hash formula). */
    private static double noise(double a, double b) {
        double v = Math.sin(a * 12.9898 + b * 78.233) * 43758.5453;
        return v - Math.floor(v);
    }

    /** The curve's parameter and a little noise: close to the input's neighbourhoods. */
    private static FloatMatrix good() {
        float[] e = new float[N * 2];
        for (int i = 0; i < N; i++) {
            e[2 * i] = (float) Math.sin(0.05 * i);
            e[2 * i + 1] = (float) (0.1 * noise(i, 99));
        }
        return new FloatMatrix(N, 2, e);
    }

    /** Unrelated to the input: about 0.5, as chance gives. */
    private static FloatMatrix poor() {
        float[] e = new float[N * 2];
        for (int i = 0; i < N; i++) {
            e[2 * i] = (float) noise(i, 101);
            e[2 * i + 1] = (float) noise(i, 102);
        }
        return new FloatMatrix(N, 2, e);
    }

    @Test
    void matchesScikitLearn() {
        assertEquals(0.811424657534, Trustworthiness.of(input(), good(), 5), 1e-9);
        assertEquals(0.825282952548, Trustworthiness.of(input(), good(), 10), 1e-9);
        assertEquals(0.500269406393, Trustworthiness.of(input(), poor(), 5), 1e-9);
        assertEquals(0.503094317516, Trustworthiness.of(input(), poor(), 10), 1e-9);
    }

    @Test
    void theInputItselfIsPerfectlyTrustworthy() {
        assertEquals(1.0, Trustworthiness.of(input(), input(), 10), 0.0);
    }
}
