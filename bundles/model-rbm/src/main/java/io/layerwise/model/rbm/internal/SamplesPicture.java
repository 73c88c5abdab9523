package io.layerwise.model.rbm.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.stage.Picture;
import io.layerwise.core.ae.Matrices;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code samples.png}: {@link #CHAINS} Gibbs chains started at the first held-out rows, one column each. The first
 * grid row shows those rows; the next ones {@code E[v|h]} after each step count of {@code sampleSteps} (1, 10, 100 and
 * 1,000 by default) of {@code h ~ p(h|v)}, {@code v ~ p(v|h)}, each row labelled with its count. A CD-1 model's chains
 * lose the digits within about 1,000 steps, a PCD model's keep them: both are what the models are.
 */
final class SamplesPicture {
    static final int CHAINS = 10;

    private SamplesPicture() {
    }

    /** @param sampler draws the chains' states; give it a generator of its own so that training is unchanged */
    static Picture draw(Rbm rbm, FloatMatrix heldOut, List<Integer> steps, Sampler sampler) {
        int count = Math.min(CHAINS, heldOut.rows());
        int n = rbm.visible();
        FloatMatrix start = heldOut.rows(0, count);
        float[] tiles = new float[(steps.size() + 1) * count * n];
        System.arraycopy(start.data(), 0, tiles, 0, count * n);
        List<String> labels = new ArrayList<>(List.of("test digits"));
        try (INDArray v = Matrices.upload(start);
                INDArray h = Nd4j.createUninitialized(DataType.FLOAT, count, rbm.hidden());
                INDArray mean = v.ulike();
                INDArray scratch = v.ulike()) {
            int done = 0;
            for (int row = 0; row < steps.size(); row++) {
                for (; done < steps.get(row); done++) {
                    rbm.hiddenProbabilities(v, h);
                    sampler.bernoulli(h, h);
                    rbm.visibleMean(h, mean);
                    rbm.units().sample(mean, v, sampler, scratch);
                }
                float[] m = Matrices.values(mean);
                System.arraycopy(m, 0, tiles, (row + 1) * count * n, m.length);
                labels.add(String.format(java.util.Locale.ROOT, "%,d step%s", done, done == 1 ? "" : "s"));
            }
        }
        return new Picture("samples", new FloatMatrix((steps.size() + 1) * count, n, tiles), count,
                rbm.units().scaling(), labels);
    }
}
