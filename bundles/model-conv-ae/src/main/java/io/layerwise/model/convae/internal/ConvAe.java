package io.layerwise.model.convae.internal;

import io.layerwise.core.layers.Layer;
import io.layerwise.core.layers.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network of a conv-ae stage: {@code y = decoder(encoder(x))} on samples {@code [n, channels, height, width]}.
 * Per sample, squared error is {@code sum_p (y_p - x_p)^2 / P} over its P values, so that the mean over samples is
 * PyTorch's {@code MSELoss}; cross-entropy is {@code -sum_p x_p log y_p + (1 - x_p) log(1 - y_p)}, back-propagated
 * from the decoder's last pre-sigmoid values as {@code y - x}. The minibatch objective is the mean over its samples.
 */
final class ConvAe implements AutoCloseable {
    private static final double CLAMP = 1e-7;

    private final Sequential encoder;
    private final Sequential decoder;
    private final boolean crossEntropy;
    // the squared-error gradient of the last float32 minibatch, and heap copies of its input and output
    private INDArray dy;
    private float[] xHeap;
    private float[] yHeap;

    ConvAe(ConvAeSpec spec, long seed, DataType type) {
        SplittableRandom random = new SplittableRandom(seed);
        this.encoder = Sequential.build(spec.encoder(), type, random);
        this.decoder = Sequential.build(spec.decoder(), type, random);
        this.crossEntropy = ConvAeSpec.CROSS_ENTROPY.equals(spec.loss());
    }

    Sequential encoder() {
        return encoder;
    }

    Sequential decoder() {
        return decoder;
    }

    /**
     * Fills {@link #gradients()} with those of the minibatch's mean objective (training mode: batch statistics) and
     * returns the sum over its samples of the per-sample objective.
     */
    double gradient(INDArray x) {
        long n = x.size(0);
        Sequential.Tape e = encoder.forward(x, true);
        Sequential.Tape d = decoder.forward(e.output(), true);
        INDArray y = d.output();
        int from = decoder.layers().size();
        if (!crossEntropy && x.dataType() == DataType.FLOAT && y.dataType() == DataType.FLOAT && dense(x) && dense(y)) {
            double sum = squaredErrorStep(x, y);
            // nothing uses the gradient with respect to the pixels: the first layer skips it
            encoder.backward(e, decoder.backward(d, dy, from), encoder.layers().size(), false);
            return sum;
        }
        double sum = objective(x, y);
        INDArray dy = y.sub(x);
        if (crossEntropy) {
            dy.divi(n);
            from--; // sigmoid fused with the cross-entropy: dL/dz = y - x
        } else {
            dy.muli(2.0 / (n * (x.length() / n)));
        }
        encoder.backward(e, decoder.backward(d, dy, from));
        return sum;
    }

    /**
     * Squared error in one pass over heap copies of float32 {@code x} and {@code y} (three ND4J ops and two arrays
     * otherwise): fills {@link #dy} with {@code 2 (y - x) / (n P)} and returns the sum over samples of the per-sample
     * mean, accumulated in double.
     */
    private double squaredErrorStep(INDArray x, INDArray y) {
        int length = Math.toIntExact(x.length());
        if (xHeap == null || xHeap.length != length) {
            xHeap = new float[length];
            yHeap = new float[length];
        }
        x.data().asNioFloat().get(0, xHeap, 0, length);
        y.data().asNioFloat().get(0, yHeap, 0, length);
        double scale = 2.0 / length;
        double sum = 0;
        for (int i = 0; i < length; i++) {
            double diff = (double) yHeap[i] - xHeap[i];
            sum += diff * diff;
            yHeap[i] = (float) (scale * diff);
        }
        if (dy == null || !java.util.Arrays.equals(dy.shape(), y.shape())) {
            dy = Nd4j.createUninitialized(DataType.FLOAT, y.shape());
        }
        dy.data().asNioFloat().put(0, yHeap, 0, length);
        return sum / (length / x.size(0));
    }

    /** A c-order array from the start of its buffer, whose buffer {@link #squaredErrorStep} copies as it is. */
    private static boolean dense(INDArray a) {
        return a.ordering() == 'c' && a.offset() == 0 && a.elementWiseStride() == 1;
    }

    /** The sum over samples of the per-sample objective of reconstructing {@code x} as {@code y}. */
    double objective(INDArray x, INDArray y) {
        long perSample = x.length() / x.size(0);
        if (!crossEntropy) {
            double norm = y.sub(x).norm2Number().doubleValue();
            return norm * norm / perSample;
        }
        double[] xs = x.reshape(x.length()).toDoubleVector();
        double[] ys = y.reshape(y.length()).toDoubleVector();
        double sum = 0;
        for (int i = 0; i < xs.length; i++) {
            double p = Math.min(1 - CLAMP, Math.max(CLAMP, ys[i]));
            sum -= xs[i] * Math.log(p) + (1 - xs[i]) * Math.log(1 - p);
        }
        return sum;
    }

    /** The code, with running statistics. */
    INDArray encode(INDArray x) {
        return encoder.apply(x, false);
    }

    /** The decoder's output at the code, with running statistics. */
    INDArray reconstruct(INDArray x) {
        return decoder.apply(encode(x), false);
    }

    List<INDArray> parameters() {
        List<INDArray> out = new ArrayList<>(encoder.parameters());
        out.addAll(decoder.parameters());
        return out;
    }

    List<INDArray> gradients() {
        List<INDArray> out = new ArrayList<>(encoder.gradients());
        out.addAll(decoder.gradients());
        return out;
    }

    /** Parameters and then running statistics, each named {@code encoder.3.weight}: what a saved model holds. */
    List<INDArray> saved() {
        List<INDArray> out = parameters();
        each((layer, prefix) -> out.addAll(layer.statistics()));
        return out;
    }

    List<String> savedNames() {
        List<String> names = new ArrayList<>();
        each((layer, prefix) -> layer.parameterNames().forEach(n -> names.add(prefix + n)));
        each((layer, prefix) -> layer.statisticNames().forEach(n -> names.add(prefix + n)));
        return names;
    }

    private void each(java.util.function.BiConsumer<Layer, String> action) {
        for (int i = 0; i < encoder.layers().size(); i++) {
            action.accept(encoder.layers().get(i), "encoder." + i + ".");
        }
        for (int i = 0; i < decoder.layers().size(); i++) {
            action.accept(decoder.layers().get(i), "decoder." + i + ".");
        }
    }

    @Override
    public void close() {
        encoder.close();
        decoder.close();
    }
}
