package io.layerwise.model.vae.internal;

import io.layerwise.core.nn.NdArrays;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The work arrays of one forward and backward pass of a {@link Vae} for a fixed batch size B, allocated once. */
final class VaeBuffers implements AutoCloseable {
    final int batch;
    /** Per encoder layer: its output, {@code dE/dy} and a scratch array (B x width). */
    final List<INDArray> encOut = new ArrayList<>();
    final List<INDArray> encGrad = new ArrayList<>();
    final List<INDArray> encScratch = new ArrayList<>();
    final List<INDArray> decOut = new ArrayList<>();
    final List<INDArray> decGrad = new ArrayList<>();
    final List<INDArray> decScratch = new ArrayList<>();
    /** B x latent: mean, log-variance, standard deviation, noise, sample, their gradients, scratch. */
    final INDArray mu;
    final INDArray logVar;
    final INDArray std;
    final INDArray eps;
    final INDArray z;
    final INDArray dMu;
    final INDArray dLogVar;
    final INDArray dz;
    final INDArray scratchL;
    /** The input rows of a shuffled minibatch (B x n), the decoder output {@code a}, {@code dE/da}, scratch. */
    final INDArray input;
    final INDArray out;
    final INDArray delta;
    final INDArray scratchN;
    /** Rows of ones: 1 x B (column sums, biases), n x 1 and latent x 1 (row sums); 1 x n work rows; B x 1 results. */
    final INDArray ones;
    final INDArray onesN;
    final INDArray onesL;
    final INDArray precision;
    final INDArray colN;
    final INDArray rowA;
    final INDArray rowB;
    /** The float32 latent loops and Bernoulli likelihood, null for other data types. */
    final LatentPass latentPass;
    final BernoulliPass bernoulliPass;

    VaeBuffers(int batch, int n, List<Integer> encoder, int latent, List<Integer> decoder, DataType type) {
        this.batch = batch;
        for (int h : encoder) {
            encOut.add(Nd4j.createUninitialized(type, batch, h));
            encGrad.add(Nd4j.createUninitialized(type, batch, h));
            encScratch.add(Nd4j.createUninitialized(type, batch, h));
        }
        for (int h : decoder) {
            decOut.add(Nd4j.createUninitialized(type, batch, h));
            decGrad.add(Nd4j.createUninitialized(type, batch, h));
            decScratch.add(Nd4j.createUninitialized(type, batch, h));
        }
        mu = latent(type, latent);
        logVar = latent(type, latent);
        std = latent(type, latent);
        eps = latent(type, latent);
        z = latent(type, latent);
        dMu = latent(type, latent);
        dLogVar = latent(type, latent);
        dz = latent(type, latent);
        scratchL = latent(type, latent);
        input = Nd4j.createUninitialized(type, batch, n);
        out = Nd4j.createUninitialized(type, batch, n);
        delta = Nd4j.createUninitialized(type, batch, n);
        scratchN = Nd4j.createUninitialized(type, batch, n);
        ones = Nd4j.ones(type, 1, batch);
        onesN = Nd4j.ones(type, n, 1);
        onesL = Nd4j.ones(type, latent, 1);
        precision = Nd4j.zeros(type, 1, n);
        colN = Nd4j.zeros(type, 1, n);
        rowA = Nd4j.zeros(type, batch, 1);
        rowB = Nd4j.zeros(type, batch, 1);
        latentPass = LatentPass.of(this);
        bernoulliPass = BernoulliPass.of(out);
    }

    private INDArray latent(DataType type, int latent) {
        return Nd4j.createUninitialized(type, batch, latent);
    }

    /** Bytes of one instance's arrays. */
    static long bytes(int batch, int n, List<Integer> encoder, int latent, List<Integer> decoder, DataType type) {
        long hidden = 0;
        for (int h : encoder) {
            hidden += h;
        }
        for (int h : decoder) {
            hidden += h;
        }
        long elements = (long) batch * (3 * hidden + 9L * latent + 4L * n + 3) + 3L * n + latent;
        return elements * type.width();
    }

    @Override
    public void close() {
        List<INDArray> all = new ArrayList<>();
        all.addAll(encOut);
        all.addAll(encGrad);
        all.addAll(encScratch);
        all.addAll(decOut);
        all.addAll(decGrad);
        all.addAll(decScratch);
        all.addAll(List.of(mu, logVar, std, eps, z, dMu, dLogVar, dz, scratchL, input, out, delta, scratchN, ones,
                onesN, onesL, precision, colN, rowA, rowB));
        NdArrays.close(all.toArray(INDArray[]::new));
    }
}
