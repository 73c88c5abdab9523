package io.layerwise.model.convae.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Spec;
import io.layerwise.core.layers.Layer;
import io.layerwise.core.layers.Sequential;
import io.layerwise.core.testing.TestContext;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Milliseconds per layer, forward and backward, of the W5 network on a minibatch of 128 (mean of 20 after 5 warm-up
 * minibatches): where an epoch's time goes. Tagged slow; run with {@code -Dgroups=slow -DexcludedGroups=none
 * -Dtest=LayerTimingTest}.
 */
@Tag("slow")
class LayerTimingTest {

    @Test
    void printsTheTimeOfEveryLayer() throws Exception {
        ConvAeSpec spec = ConvAeSpec.read(new Spec("stages[0]", ConvAeStageTest.pipelineStage("mnist-conv-ae-2d.json")),
                new TestContext(784, Dataset.REAL, 1));
        try (ConvAe net = new ConvAe(spec, 1, DataType.FLOAT)) {
            INDArray x = Nd4j.rand(DataType.FLOAT, 128, 1, 28, 28);
            for (String part : List.of("encoder", "decoder")) {
                Sequential s = part.equals("encoder") ? net.encoder() : net.decoder();
                INDArray in = part.equals("encoder") ? x : net.encode(x);
                List<Layer> layers = s.layers();
                long[] fwd = new long[layers.size()];
                long[] bwd = new long[layers.size()];
                for (int rep = 0; rep < 25; rep++) {
                    INDArray[] values = new INDArray[layers.size() + 1];
                    values[0] = in;
                    for (int i = 0; i < layers.size(); i++) {
                        long t = System.nanoTime();
                        values[i + 1] = layers.get(i).forward(values[i], true);
                        if (rep >= 5) {
                            fwd[i] += System.nanoTime() - t;
                        }
                    }
                    INDArray d = values[layers.size()].dup();
                    for (int i = layers.size() - 1; i >= 0; i--) {
                        long t = System.nanoTime();
                        d = layers.get(i).backward(values[i], values[i + 1], d);
                        if (rep >= 5) {
                            bwd[i] += System.nanoTime() - t;
                        }
                    }
                }
                for (int i = 0; i < layers.size(); i++) {
                    System.out.printf("TIMING %s[%d] %-15s %s -> %s forward %.2f ms backward %.2f ms%n", part, i,
                            layers.get(i).kind(), layers.get(i).input(), layers.get(i).output(), fwd[i] / 20e6,
                            bwd[i] / 20e6);
                }
            }
        }
    }
}
