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
 * Milliseconds per layer, forward and backward, of the W5 network on a minibatch of 128 (mean of 40 after 20 warm-up
 * minibatches): where an epoch's time goes; then the whole gradient step as training runs it (convolution blocks
 * fused, see {@code ConvBlock}), which the layer-by-layer figures do not show. Besides the wall time, the CPU time of the test's thread with OpenBLAS on
 * one thread (the GEMMs then run on the calling thread), which a machine shared with other builds inflates far less
 * than the wall time. Tagged slow; run with {@code -Dgroups=slow -DexcludedGroups=none -Dtest=LayerTimingTest}.
 */
@Tag("slow")
class LayerTimingTest {

    @Test
    void printsTheTimeOfEveryLayer() throws Exception {
        ConvAeSpec spec = ConvAeSpec.read(new Spec("stages[0]", ConvAeStageTest.pipelineStage("mnist-conv-ae-2d.json")),
                new TestContext(784, Dataset.REAL, 1));
        Nd4j.factory().blas().setMaxThreads(1);
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        try (ConvAe net = new ConvAe(spec, 1, DataType.FLOAT)) {
            double[] total = new double[2];
            INDArray x = Nd4j.rand(DataType.FLOAT, 128, 1, 28, 28);
            for (String part : List.of("encoder", "decoder")) {
                Sequential s = part.equals("encoder") ? net.encoder() : net.decoder();
                INDArray in = part.equals("encoder") ? x : net.encode(x);
                List<Layer> layers = s.layers();
                long[] fwd = new long[layers.size()];
                long[] bwd = new long[layers.size()];
                long[] fwdCpu = new long[layers.size()];
                long[] bwdCpu = new long[layers.size()];
                for (int rep = 0; rep < 60; rep++) {
                    INDArray[] values = new INDArray[layers.size() + 1];
                    values[0] = in;
                    for (int i = 0; i < layers.size(); i++) {
                        long t = System.nanoTime();
                        long c = cpu.getCurrentThreadCpuTime();
                        values[i + 1] = layers.get(i).forward(values[i], true);
                        if (rep >= 20) {
                            fwd[i] += System.nanoTime() - t;
                            fwdCpu[i] += cpu.getCurrentThreadCpuTime() - c;
                        }
                    }
                    INDArray d = values[layers.size()].dup();
                    for (int i = layers.size() - 1; i >= 0; i--) {
                        long t = System.nanoTime();
                        long c = cpu.getCurrentThreadCpuTime();
                        d = layers.get(i).backward(values[i], values[i + 1], d);
                        if (rep >= 20) {
                            bwd[i] += System.nanoTime() - t;
                            bwdCpu[i] += cpu.getCurrentThreadCpuTime() - c;
                        }
                    }
                }
                for (int i = 0; i < layers.size(); i++) {
                    System.out.printf("TIMING %s[%d] %-15s %s -> %s forward %.2f ms backward %.2f ms,"
                            + " CPU %.2f / %.2f ms%n", part, i, layers.get(i).kind(), layers.get(i).input(),
                            layers.get(i).output(), fwd[i] / 40e6, bwd[i] / 40e6, fwdCpu[i] / 40e6, bwdCpu[i] / 40e6);
                    total[0] += (fwd[i] + bwd[i]) / 40e6;
                    total[1] += (fwdCpu[i] + bwdCpu[i]) / 40e6;
                }
            }
            System.out.printf("TIMING all layers %.2f ms, CPU %.2f ms%n", total[0], total[1]);
            // the step as training runs it: the networks' blocks (ConvBlock), the loss, no pixel gradient
            long wall = 0;
            long used = 0;
            for (int rep = 0; rep < 60; rep++) {
                long t = System.nanoTime();
                long c = cpu.getCurrentThreadCpuTime();
                net.gradient(x);
                if (rep >= 20) {
                    wall += System.nanoTime() - t;
                    used += cpu.getCurrentThreadCpuTime() - c;
                }
            }
            System.out.printf("TIMING gradient step %.2f ms, CPU %.2f ms%n", wall / 40e6, used / 40e6);
        }
    }
}
