package io.layerwise.model.vae.internal;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The element-wise work on the B x latent arrays of a float32 {@link Vae} step as two Java loops over heap copies,
 * where the plain path makes about fifteen ND4J calls of some 10-25 us each (nearly all fixed cost: a batch of 128
 * has 2,560 latent values). Forward: {@code sigma = exp(s / 2)}, {@code z = mu + sigma * eps} and the KL sum;
 * backward: {@code dmu = dz + (w/B) mu}, {@code ds = dz * eps * sigma / 2 + (w/B)(sigma^2 - 1) / 2}. The same terms
 * in the same order as the plain path, in float32, except that the KL sum is accumulated in float64.
 * {@code VaeFusedStepTest} checks the float32 step against the float64 one, which the gradient checks test.
 */
final class LatentPass {
    private final float[] mu;
    private final float[] logVar;
    private final float[] std;
    private final float[] eps;
    private final float[] work;

    private LatentPass(int n) {
        mu = new float[n];
        logVar = new float[n];
        std = new float[n];
        eps = new float[n];
        work = new float[n];
    }

    /** A pass for the buffers, or null when they are not float32 on the CPU (the plain path then runs). */
    static LatentPass of(VaeBuffers b) {
        return b.mu.dataType() == DataType.FLOAT && Nd4j.getEnvironment().isCPU() ? new LatentPass((int) b.mu.length())
                : null;
    }

    /** {@code b.std <- exp(s / 2)}, {@code b.z <- mu + sigma * eps}; returns the KL term summed over the batch. */
    double forward(VaeBuffers b) {
        get(b.mu, mu);
        get(b.logVar, logVar);
        get(b.eps, eps);
        double kl = 0;
        for (int k = 0; k < mu.length; k++) {
            float m = mu[k];
            float s = logVar[k];
            float sigma = (float) Math.exp(s * 0.5f);
            std[k] = sigma;
            work[k] = sigma * eps[k] + m;
            kl += (double) m * m + (double) sigma * sigma - 1 - s;
        }
        put(std, b.std);
        put(work, b.z);
        return 0.5 * kl;
    }

    /**
     * {@code b.dMu} and {@code b.dLogVar} from {@code b.dz} after {@link #forward} of the same batch (whose
     * {@code mu}, {@code sigma} and {@code eps} it still holds); {@code w} is the KL weight over B.
     */
    void backward(VaeBuffers b, double w) {
        get(b.dz, work);
        float fw = (float) w;
        float half = (float) (0.5 * w);
        float[] dMu = logVar; // no longer needed: reused for the two results
        for (int k = 0; k < mu.length; k++) {
            float dz = work[k];
            float sigma = std[k];
            dMu[k] = mu[k] * fw + dz;
            work[k] = (sigma * sigma - 1) * half + dz * eps[k] * sigma * 0.5f;
        }
        put(dMu, b.dMu);
        put(work, b.dLogVar);
    }

    private static void get(INDArray a, float[] into) {
        nio(a).get(0, into, 0, into.length);
    }

    private static void put(float[] from, INDArray a) {
        nio(a).put(0, from, 0, from.length);
    }

    private static FloatBuffer nio(INDArray a) {
        return a.data().asNioFloat();
    }
}
