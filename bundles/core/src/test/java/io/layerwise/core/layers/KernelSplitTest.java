package io.layerwise.core.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.core.nn.RowHalves;
import io.layerwise.core.nn.SecondCore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The layers' Java kernels on two cores ({@link Split}): a loop's ranges cover it once, some on the worker;
 * and a W5-shaped network (convolution blocks, max-pools, transposed-convolution blocks, a last transposed convolution
 * and tanh) at batch 128, where every shared kernel is above the threshold, gives the same outputs, gradients and
 * running statistics, bit for bit, with sharing on as with it off.
 */
class KernelSplitTest {
    @AfterEach
    void sharingOnAgain() {
        RowHalves.enabled(true);
    }

    @Test
    void theRangesCoverTheLoopOnceAndSomeRunOnTheWorker() {
        Assumptions.assumeTrue(SecondCore.available(), "a machine with two cores");
        RowHalves.enabled(true);
        int count = 129;
        Thread caller = Thread.currentThread();
        boolean onWorker = false;
        for (int round = 0; round < 200 && !onWorker; round++) {
            AtomicInteger[] visits = new AtomicInteger[count];
            for (int i = 0; i < count; i++) {
                visits[i] = new AtomicInteger();
            }
            List<int[]> ranges = java.util.Collections.synchronizedList(new ArrayList<>());
            ConcurrentHashMap<Thread, Boolean> threads = new ConcurrentHashMap<>();
            Split.run(count, 1 << 20, (from, to) -> {
                ranges.add(new int[] {from, to});
                threads.put(Thread.currentThread(), true);
                for (int i = from; i < to; i++) {
                    visits[i].incrementAndGet();
                }
            });
            for (int i = 0; i < count; i++) {
                assertEquals(1, visits[i].get(), "index " + i + " in round " + round);
            }
            assertEquals(Split.PIECES, ranges.size(), "ranges of 129");
            for (int[] r : ranges) {
                assertTrue(r[1] - r[0] == 32 || r[1] - r[0] == 33, "a range of " + (r[1] - r[0]) + " of 129");
            }
            onWorker = threads.keySet().stream().anyMatch(t -> t != caller);
        }
        assertTrue(onWorker, "in 200 calls the worker never took a range");
    }

    @Test
    void aSmallLoopOrSharingOffRunsWholeOnTheCaller() {
        List<int[]> ranges = new ArrayList<>();
        Split.run(100, RowHalves.MIN_VALUES - 1, (from, to) -> ranges.add(new int[] {from, to}));
        RowHalves.enabled(false);
        Split.run(100, 1 << 20, (from, to) -> ranges.add(new int[] {from, to}));
        assertEquals(2, ranges.size());
        for (int[] r : ranges) {
            assertArrayEquals(new int[] {0, 100}, r);
        }
    }

    @Test
    void aW5NetworkOnTwoCoresEqualsTheNetworkOnOneBitForBit() {
        Result shared = run(true);
        Result alone = run(false);
        assertEquals(alone.values.size(), shared.values.size());
        for (int i = 0; i < alone.values.size(); i++) {
            assertArrayEquals(alone.values.get(i), shared.values.get(i), alone.names.get(i));
        }
    }

    private record Result(List<String> names, List<float[]> values) {
    }

    /** Two training passes (forward, backward from a fixed output gradient) and an evaluation pass. */
    private static Result run(boolean sharing) {
        RowHalves.enabled(sharing);
        SplittableRandom init = new SplittableRandom(5);
        DataType t = DataType.FLOAT;
        List<Layer> layers = new ArrayList<>();
        Shape s = Shape.image(1, 28, 28);
        layers.add(new Conv(s, 16, 3, 3, 1, t, init));
        s = block(layers, t);
        layers.add(new MaxPool(s, 2, 2));
        s = layers.get(layers.size() - 1).output();
        layers.add(new Conv(s, 32, 3, 2, 1, t, init));
        s = block(layers, t);
        layers.add(new MaxPool(s, 2, 1));
        s = layers.get(layers.size() - 1).output();
        layers.add(new ConvTranspose(s, 16, 3, 2, 0, 0, t, init));
        s = block(layers, t);
        layers.add(new ConvTranspose(s, 8, 5, 3, 1, 0, t, init));
        s = block(layers, t);
        layers.add(new ConvTranspose(s, 1, 2, 2, 1, 0, t, init));
        s = layers.get(layers.size() - 1).output();
        layers.add(new Activate("tanh", s, 0));
        List<String> names = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        try (Sequential net = new Sequential(layers)) {
            SplittableRandom data = new SplittableRandom(9);
            for (int pass = 0; pass < 2; pass++) {
                INDArray x = LayerGradientTest.random(data, 128, 1, 28, 28).castTo(t);
                Sequential.Tape tape = net.forward(x, true);
                INDArray dy = LayerGradientTest.random(data, tape.output().shape()).castTo(t);
                INDArray dx = net.backward(tape, dy, layers.size(), true);
                keep(names, values, "pass " + pass + " output", tape.output());
                keep(names, values, "pass " + pass + " input gradient", dx);
                for (int g = 0; g < net.gradients().size(); g++) {
                    keep(names, values, "pass " + pass + " gradient " + g, net.gradients().get(g));
                }
                for (Layer layer : layers) {
                    for (INDArray statistic : layer.statistics()) {
                        keep(names, values, "pass " + pass + " statistic of " + layer.kind(), statistic);
                    }
                }
            }
            keep(names, values, "evaluation output",
                    net.apply(LayerGradientTest.random(data, 128, 1, 28, 28).castTo(t), false));
        }
        return new Result(names, values);
    }

    /** A rectifier and batch-norm after the last layer: with it, a block ({@link ConvBlock}). */
    private static Shape block(List<Layer> layers, DataType t) {
        Shape s = layers.get(layers.size() - 1).output();
        layers.add(new Activate("leaky-relu", s, 0));
        layers.add(new BatchNorm(s, 0.1, 1e-5, t));
        return s;
    }

    private static void keep(List<String> names, List<float[]> values, String name, INDArray a) {
        names.add(name);
        values.add(a.dup().data().asFloat());
    }
}
