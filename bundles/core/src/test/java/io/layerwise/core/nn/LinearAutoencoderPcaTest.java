package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.core.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A linear autoencoder (identity encoder and decoder, squared error) with k hidden units converges to weights
 * that span the top-k principal subspace (Baldi and Hornik, 1989). Checked by the cosines of the principal
 * angles between the two subspaces, the singular values of {@code Q1^T Q2} for orthonormal bases: all > 0.99.
 */
class LinearAutoencoderPcaTest {
    static final int ROWS = 200;
    static final int DIM = 10;
    static final int K = 3;
    static final double[] SPECTRUM = {3, 2.5, 2, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05};

    @ParameterizedTest(name = "tied={0}")
    @ValueSource(booleans = {true, false})
    void linearAutoencoderSpansTheTopPrincipalSubspace(boolean tied) {
        INDArray x = data(new Random(11));
        Architecture arch = new Architecture(DIM, K, tied, Activation.IDENTITY, Activation.IDENTITY, Loss.SQUARED);
        try (DenseAutoencoder ae = DenseAutoencoder.initialise(arch, 7, DataType.FLOAT);
                Sgd sgd = new Sgd(new Sgd.Options(0.02, 0.5), ae.parameters());
                BatchBuffers b = ae.buffers(20)) {
            List<INDArray> batches = new ArrayList<>();
            for (int from = 0; from < ROWS; from += 20) {
                batches.add(x.get(NDArrayIndex.interval(from, from + 20), NDArrayIndex.all()));
            }
            for (int epoch = 0; epoch < 400; epoch++) {
                for (INDArray batch : batches) {
                    ae.gradient(batch, batch, b, List.of());
                    sgd.step(ae.parameters(), ae.gradients());
                }
            }
            INDArray pcs = topPrincipalDirections(x.castTo(DataType.DOUBLE));
            // The reconstruction's range is spanned by the decoder weights. An untied encoder's components along
            // low-variance directions barely change the loss and decay at a rate proportional to that variance, so
            // the decoder is the subspace that converges.
            INDArray spanning = tied ? ae.weights() : ae.decoderWeights();
            double cos = smallestCosine(orthonormal(spanning), pcs);
            assertTrue(cos > 0.99, "smallest cos of principal angles " + cos);
        }
    }

    /** Centred rows {@code G diag(s) R} with a random orthogonal {@code R}: a clearly decaying spectrum. */
    static INDArray data(Random r) {
        double[][] g = new double[ROWS][DIM];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < DIM; j++) {
                g[i][j] = r.nextGaussian() * SPECTRUM[j];
            }
        }
        double[][] q = new double[DIM][DIM];
        for (double[] row : q) {
            for (int j = 0; j < DIM; j++) {
                row[j] = r.nextGaussian();
            }
        }
        INDArray rot = orthonormal(Nd4j.createFromArray(q)).transpose();
        INDArray x = Nd4j.createFromArray(g).mmul(rot);
        x.subiRowVector(x.mean(0));
        return x.castTo(DataType.FLOAT);
    }

    /** The K eigenvectors of {@code X^T X} with the largest eigenvalues, as columns (DIM x K). */
    static INDArray topPrincipalDirections(INDArray x) {
        INDArray cov = x.transpose().mmul(x);
        Eigen.symmetricGeneralizedEigenvalues(cov); // ascending; cov now holds the eigenvectors as columns
        return cov.get(NDArrayIndex.all(), NDArrayIndex.interval(DIM - K, DIM)).dup();
    }

    /** Gram-Schmidt on the columns, in float64. */
    static INDArray orthonormal(INDArray a) {
        INDArray q = a.castTo(DataType.DOUBLE).dup();
        for (int j = 0; j < q.columns(); j++) {
            INDArray col = q.getColumn(j);
            for (int i = 0; i < j; i++) {
                INDArray prev = q.getColumn(i);
                col.subi(prev.mul(prev.mul(col).sumNumber().doubleValue()));
            }
            col.divi(col.norm2Number().doubleValue());
        }
        return q;
    }

    /** The smallest singular value of {@code Q1^T Q2}: the cosine of the largest principal angle. */
    static double smallestCosine(INDArray q1, INDArray q2) {
        INDArray m = q1.transpose().mmul(q2);
        INDArray mtm = m.transpose().mmul(m);
        INDArray eig = Eigen.symmetricGeneralizedEigenvalues(mtm);
        return Math.sqrt(Math.max(0, eig.minNumber().doubleValue()));
    }
}
