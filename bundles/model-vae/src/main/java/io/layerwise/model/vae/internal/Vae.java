package io.layerwise.model.vae.internal;

import io.layerwise.core.nn.Activation;
import io.layerwise.core.nn.Level1;
import io.layerwise.core.nn.Level3;
import io.layerwise.core.nn.NdArrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A variational autoencoder (Kingma and Welling 2014) on row-major minibatches {@code X} (B x n):
 * <pre>
 *   h = MLP_enc(x),  mu = h Wmu + bmu,  s = h Wlogvar + blogvar,  sigma = exp(s / 2)
 *   z = mu + sigma * eps,  eps ~ N(0, I)            (the reparameterisation; eps is given in the buffers)
 *   a = MLP_dec(z) Vout + cout                       (logits or the Gaussian mean, see {@link Likelihood})
 *   E = (1/B) sum_b [ -log p(x_b | z_b) + w KL_b ],  KL_b = 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - s_j)
 * </pre>
 * With {@code w = 1}, {@code E} is the mean negative ELBO in nats. Backward, with {@code dz} the gradient reaching z:
 * {@code dmu = dz + (w/B) mu}, {@code ds = dz * eps * sigma / 2 + (w/B)(sigma^2 - 1) / 2}. A learned Gaussian
 * variance is one log-variance per input, {@code logVarX} (1 x n). Parameters and gradients share the data type they
 * were created with (float32 in training, float64 in gradient checks).
 */
final class Vae implements AutoCloseable {
    private final List<Dense> encoder = new ArrayList<>();
    private final Dense mu;
    private final Dense logVar;
    private final List<Dense> decoder = new ArrayList<>();
    private final Dense out;
    private final Likelihood likelihood;
    /** {@code s} of a Gaussian likelihood (learned, or filled with the fixed log-variance); null for bernoulli. */
    private final INDArray logVarX;
    private final INDArray gLogVarX;
    private final List<Integer> encoderWidths;
    private final List<Integer> decoderWidths;
    private final int inputs;
    private final int latent;
    private final List<INDArray> parameters;
    private final List<INDArray> gradients;

    /** The sums over a batch of the two terms of the negative ELBO. */
    record Terms(double reconstruction, double kl) {
        double objective(double klWeight) {
            return reconstruction + klWeight * kl;
        }
    }

    /**
     * @param variance a fixed Gaussian variance, or NaN to learn one per input (ignored for bernoulli)
     */
    Vae(int inputs, List<Integer> encoderWidths, int latent, List<Integer> decoderWidths, Activation activation,
            Likelihood likelihood, double variance, long seed, DataType type) {
        this.inputs = inputs;
        this.latent = latent;
        this.encoderWidths = List.copyOf(encoderWidths);
        this.decoderWidths = List.copyOf(decoderWidths);
        this.likelihood = likelihood;
        SplittableRandom rng = new SplittableRandom(seed);
        int in = inputs;
        for (int l = 0; l < encoderWidths.size(); l++) {
            encoder.add(new Dense("W" + (l + 1), "b" + (l + 1), in, encoderWidths.get(l), activation, rng, type));
            in = encoderWidths.get(l);
        }
        mu = new Dense("Wmu", "bmu", in, latent, Activation.IDENTITY, rng, type);
        logVar = new Dense("Wlogvar", "blogvar", in, latent, Activation.IDENTITY, rng, type);
        in = latent;
        for (int l = 0; l < decoderWidths.size(); l++) {
            decoder.add(new Dense("V" + (l + 1), "c" + (l + 1), in, decoderWidths.get(l), activation, rng, type));
            in = decoderWidths.get(l);
        }
        out = new Dense("Vout", "cout", in, inputs, Activation.IDENTITY, rng, type);
        boolean learned = likelihood == Likelihood.GAUSSIAN && Double.isNaN(variance);
        logVarX = likelihood == Likelihood.BERNOULLI ? null
                : Nd4j.valueArrayOf(new long[] {1, inputs}, learned ? 0.0 : Math.log(variance), type);
        gLogVarX = learned ? Nd4j.zeros(type, 1, inputs) : null;
        List<INDArray> p = new ArrayList<>();
        List<INDArray> g = new ArrayList<>();
        for (Dense d : layers()) {
            p.addAll(List.of(d.w, d.b));
            g.addAll(List.of(d.gW, d.gB));
        }
        if (learned) {
            p.add(logVarX);
            g.add(gLogVarX);
        }
        parameters = Collections.unmodifiableList(p);
        gradients = Collections.unmodifiableList(g);
    }

    VaeBuffers buffers(int batch) {
        return new VaeBuffers(batch, inputs, encoderWidths, latent, decoderWidths, out.w.dataType());
    }

    int inputs() {
        return inputs;
    }

    int latent() {
        return latent;
    }

    Likelihood likelihood() {
        return likelihood;
    }

    /** Every layer in order: encoder, mu, log-variance, decoder, output. */
    List<Dense> layers() {
        List<Dense> all = new ArrayList<>(encoder);
        all.add(mu);
        all.add(logVar);
        all.addAll(decoder);
        all.add(out);
        return all;
    }

    /** Weights then bias of each of {@link #layers()}, then {@code logVarX} when it is learned. */
    List<INDArray> parameters() {
        return parameters;
    }

    /** The gradients the last {@link #gradient} wrote, in the order of {@link #parameters()}. */
    List<INDArray> gradients() {
        return gradients;
    }

    /** The names of {@link #parameters()}. */
    List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (Dense d : layers()) {
            names.add(d.weightName);
            names.add(d.biasName);
        }
        if (gLogVarX != null) {
            names.add("logVarX");
        }
        return names;
    }

    /** The first layer's weights (n x width): the encoder's filters. */
    INDArray firstWeights() {
        return layers().get(0).w;
    }

    /** {@code b.mu}, {@code b.logVar}, {@code b.std} of q(z|x) for the rows of {@code x}. */
    void encode(INDArray x, VaeBuffers b) {
        heads(x, b);
        b.std.assign(b.logVar).muli(0.5);
        Nd4j.exec(new Exp(b.std, b.std));
    }

    /** {@code b.mu} and {@code b.logVar} for the rows of {@code x}. */
    private void heads(INDArray x, VaeBuffers b) {
        INDArray h = x;
        for (int l = 0; l < encoder.size(); l++) {
            h = encoder.get(l).forward(h, b.encOut.get(l), b.ones);
        }
        mu.forward(h, b.mu, b.ones);
        logVar.forward(h, b.logVar, b.ones);
    }

    /** {@code b.z <- mu + sigma * eps} from the buffers' {@code eps}. */
    void sample(VaeBuffers b) {
        b.std.mul(b.eps, b.z);
        b.z.addi(b.mu);
    }

    /** {@code b.out <- a}, the decoder's output for the rows of {@code z}. */
    INDArray decode(INDArray z, VaeBuffers b) {
        INDArray g = z;
        for (int l = 0; l < decoder.size(); l++) {
            g = decoder.get(l).forward(g, b.decOut.get(l), b.ones);
        }
        return out.forward(g, b.out, b.ones);
    }

    /** {@code E[x|z]} for the rows of {@code z}, into {@code b.out}. */
    INDArray decodeMean(INDArray z, VaeBuffers b) {
        decode(z, b);
        likelihood.mean(b.out);
        return b.out;
    }

    /** Both terms for the rows of {@code x}, with the noise in {@code b.eps}; changes no parameter or gradient. */
    Terms terms(INDArray x, VaeBuffers b) {
        return forward(x, b, null);
    }

    /** {@link #terms}, leaving {@code d(-log p)/da} in {@code b.delta} and, when not null, {@code d/ds} in {@code gLogVar}. */
    private Terms forward(INDArray x, VaeBuffers b, INDArray gLogVar) {
        double kl;
        if (b.latentPass != null) { // float32: sigma, z and KL in one loop
            heads(x, b);
            kl = b.latentPass.forward(b);
        } else {
            encode(x, b);
            sample(b);
            kl = kl(b);
        }
        decode(b.z, b);
        double rec = likelihood.lossAndDelta(b.out, x, b, logVarX, gLogVar);
        return new Terms(rec, kl);
    }

    /** The KL term summed over the batch: {@code 1/2 sum (mu^2 + sigma^2 - 1 - s)}. */
    private double kl(VaeBuffers b) {
        double sigma2 = Level1.dot(b.std, b.std);
        return 0.5 * (Level1.dot(b.mu, b.mu) + sigma2 - b.mu.length() - Level1.sum(b.logVar));
    }

    /**
     * Forward and backward pass with the noise in {@code b.eps}: writes the gradient of {@code E} into
     * {@link #gradients()} and returns both terms (summed over the batch).
     */
    Terms gradient(INDArray x, VaeBuffers b, double klWeight) {
        Terms t = forward(x, b, gLogVarX); // a learned variance's gradient is written here, already of the mean
        int batch = b.batch;
        Level1.scal(1.0 / batch, b.delta);
        INDArray top = decoder.isEmpty() ? b.z : b.decOut.get(decoder.size() - 1);
        out.backward(top, b.out, b.delta, b.scratchN, b.ones, decoder.isEmpty() ? b.dz : b.decGrad.get(decoder.size() - 1), 0.0);
        for (int l = decoder.size() - 1; l >= 0; l--) {
            INDArray in = l == 0 ? b.z : b.decOut.get(l - 1);
            decoder.get(l).backward(in, b.decOut.get(l), b.decGrad.get(l), b.decScratch.get(l), b.ones,
                    l == 0 ? b.dz : b.decGrad.get(l - 1), 0.0);
        }
        double w = klWeight / batch;
        if (b.latentPass != null) {
            b.latentPass.backward(b, w);
        } else {
            b.dMu.assign(b.mu).muli(w).addi(b.dz); // dz + (w/B) mu
            b.dz.muli(b.eps).muli(b.std).muli(0.5); // dz * eps * sigma / 2
            b.std.mul(b.std, b.dLogVar).subi(1.0).muli(0.5 * w).addi(b.dz);
        }
        INDArray h = encoder.isEmpty() ? x : b.encOut.get(encoder.size() - 1);
        INDArray dh = encoder.isEmpty() ? null : b.encGrad.get(encoder.size() - 1);
        mu.backward(h, b.mu, b.dMu, b.scratchL, b.ones, dh, 0.0);
        logVar.backward(h, b.logVar, b.dLogVar, b.scratchL, b.ones, dh, 1.0);
        for (int l = encoder.size() - 1; l >= 0; l--) {
            INDArray in = l == 0 ? x : b.encOut.get(l - 1);
            encoder.get(l).backward(in, b.encOut.get(l), b.encGrad.get(l), b.encScratch.get(l), b.ones,
                    l == 0 ? null : b.encGrad.get(l - 1), 0.0);
        }
        return t;
    }

    /**
     * {@code b.rowA (B x 1) <- log p(x, z) - log q(z|x)} per row for {@code z = mu + sigma * eps}, after
     * {@link #encode} and with the noise in {@code b.eps}: the log importance weight of the sample.
     */
    INDArray logWeights(INDArray x, VaeBuffers b) {
        sample(b);
        decode(b.z, b);
        likelihood.rowLogLikelihood(b.out, x, b, logVarX, b.rowA);
        // log N(z; 0, I) - log N(z; mu, sigma^2) = 1/2 sum_j (eps_j^2 + s_j - z_j^2)
        b.eps.mul(b.eps, b.scratchL);
        b.scratchL.addi(b.logVar);
        b.z.mul(b.z, b.dz);
        b.scratchL.subi(b.dz);
        Level3.gemm(b.scratchL, b.onesL, b.rowB, false, false, 0.5, 0.0);
        return b.rowA.addi(b.rowB);
    }

    /** The Gaussian likelihood's log-variance per input (learned or fixed); null for bernoulli. */
    INDArray logVarX() {
        return logVarX;
    }

    @Override
    public void close() {
        layers().forEach(Dense::close);
        NdArrays.close(logVarX, gLogVarX);
    }
}
