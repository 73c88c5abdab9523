package io.layerwise.model.vae.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Picture;
import io.layerwise.core.ae.Matrices;
import io.layerwise.core.ae.SeededGenerator;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The pictures of a trained VAE: {@code samples}, {@link #SAMPLES} decodings {@code E[x|z]} of z ~ N(0, I), and for a
 * two-dimensional latent {@code manifold}, the decodings over a {@link #GRID} x {@link #GRID} grid of
 * {@code z = (Phi^-1(u_i), Phi^-1(u_j))}, {@code u = (i + 1/2) / GRID}: Kingma and Welling's figure 4. Drawn with a
 * generator of their own, so drawing them changes no training stream.
 */
final class VaePictures {
    static final int SAMPLES = 64;
    static final int GRID = 20;
    private static final long SALT = 0x510e_527f_ade6_82d1L;

    private VaePictures() {
    }

    static List<Picture> draw(Vae vae, long seed) {
        Picture.Scaling scaling = vae.likelihood() == Likelihood.BERNOULLI ? Picture.Scaling.UNIT : Picture.Scaling.PER_TILE;
        List<Picture> out = new ArrayList<>();
        try (SeededGenerator g = new SeededGenerator(seed ^ SALT);
                INDArray z = Nd4j.createUninitialized(DataType.FLOAT, SAMPLES, vae.latent())) {
            VaeStage.gaussian(z, g);
            out.add(new Picture("samples", decode(vae, z), 8, scaling));
        }
        if (vae.latent() == 2) {
            float[] grid = new float[GRID * GRID * 2];
            for (int i = 0; i < GRID; i++) {
                for (int j = 0; j < GRID; j++) {
                    int r = i * GRID + j;
                    grid[2 * r] = (float) quantile((j + 0.5) / GRID); // across: z1
                    grid[2 * r + 1] = (float) quantile(1 - (i + 0.5) / GRID); // down: z2 falling, as a plot's y axis
                }
            }
            try (INDArray z = Nd4j.create(grid, new long[] {GRID * GRID, 2}, DataType.FLOAT)) {
                out.add(new Picture("manifold", decode(vae, z), GRID, scaling));
            }
        }
        return out;
    }

    private static FloatMatrix decode(Vae vae, INDArray z) {
        try (VaeBuffers b = vae.buffers((int) z.rows())) {
            return Matrices.download(vae.decodeMean(z, b));
        }
    }

    /**
     * The standard normal quantile {@code Phi^-1(p)} for p in (0, 1), by Acklam's rational approximation (relative
     * error below 1.2e-9).
     */
    static double quantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p must be in (0, 1), got " + p);
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (p < low || p > 1 - low) {
            double q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p));
            double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            return p < low ? x : -x;
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
