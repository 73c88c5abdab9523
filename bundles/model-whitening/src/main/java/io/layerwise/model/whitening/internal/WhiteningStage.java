package io.layerwise.model.whitening.internal;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.Parameter;
import io.layerwise.api.stage.Picture;
import io.layerwise.api.stage.Stage;
import io.layerwise.model.whitening.internal.WhiteningOptions.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fitted whitening stage (types {@code pca} and {@code zca}): {@link #fit} computes the {@link Whitening} of the
 * training rows in float32 (the eigenproblem in float64), {@link #encode} whitens, {@link #reconstruct} whitens and
 * maps back. Parameters: {@code mean} [n], {@code P} [k, n], {@code Pinv} [n, k] (the inverse on P's range) and
 * {@code eigenvalues} [n] (of the training covariance, descending). Metrics: {@code whitenedVarianceMean}, the mean
 * diagonal of the whitened training covariance, {@code mean_{i<k} D_i / (D_i + eps)}; {@code testWhitenedVarianceMean},
 * the same measured on held-out rows; PCA adds {@code components} (k) and {@code retainedVariance}
 * ({@code sum_{i<k} D_i / sum_i D_i}).
 */
final class WhiteningStage implements Stage {
    /** Inputs drawn in whitened.png, each followed by its whitened version: 10 rows of 10 pairs. */
    static final int PICTURED = 100;

    private final WhiteningOptions options;
    private final int inputs;
    private final String epsilonPath;
    private final Consumer<String> log;
    private Whitening whitening;

    /**
     * @param epsilonPath the JSON path of {@code epsilon}, named when epsilon 0 meets rank-deficient data
     * @param log         the run log, told which eigensolver a fit used
     */
    WhiteningStage(WhiteningOptions options, int inputs, String epsilonPath, Consumer<String> log) {
        if (options.components() > inputs) {
            throw new IllegalArgumentException(options.components() + " components of " + inputs + " inputs");
        }
        this.options = options;
        this.inputs = inputs;
        this.epsilonPath = epsilonPath;
        this.log = log;
    }

    WhiteningOptions options() {
        return options;
    }

    /** The fitted maths; null before {@link #fit} or {@link #restore}. */
    Whitening whitening() {
        return whitening;
    }

    @Override
    public int inputSize() {
        return inputs;
    }

    /** k (PCA) or n (ZCA); before fitting with {@code retainedVariance}, the input width as an upper bound. */
    @Override
    public int outputSize() {
        return whitening != null ? whitening.outputs() : options.plannedOutputs(inputs);
    }

    @Override
    public String outputRange() {
        return Dataset.REAL;
    }

    @Override
    public boolean trainable() {
        return false;
    }

    @Override
    public int epochs() {
        return 0;
    }

    @Override
    public void fit(FloatMatrix data) {
        checkWidth(data, "training data");
        if (data.rows() < 2) {
            throw new IllegalArgumentException(options.kind().jsonName() + " needs at least 2 training rows, got "
                    + data.rows());
        }
        Whitening fitted;
        try {
            fitted = Whitening.fit(data, options);
        } catch (Whitening.RankDeficientException e) {
            throw new SpecException(epsilonPath, e.getMessage());
        }
        replace(fitted);
        log.accept(options.kind().jsonName() + ": " + fitted.solver());
    }

    @Override
    public int prepareTraining(FloatMatrix train) {
        throw new UnsupportedOperationException(options.kind().jsonName() + " is fitted in one pass, not trained");
    }

    @Override
    public double trainBatch(int batch) {
        throw new UnsupportedOperationException(options.kind().jsonName() + " is fitted in one pass, not trained");
    }

    @Override
    public Map<String, Double> evaluate(FloatMatrix heldOut) {
        Whitening w = fitted();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("whitenedVarianceMean", w.whitenedVarianceMean());
        if (heldOut.rows() >= 2) {
            checkWidth(heldOut, "held-out data");
            try (INDArray x = NativeArrays.upload(heldOut); INDArray y = w.whitenInPlace(x);
                    INDArray variances = y.var(false, 0)) {
                metrics.put("testWhitenedVarianceMean", variances.meanNumber().doubleValue());
            }
        }
        if (options.kind() == Kind.PCA) {
            metrics.put("components", (double) w.outputs());
            metrics.put("retainedVariance", w.retainedVariance());
        }
        return metrics;
    }

    @Override
    public FloatMatrix encode(FloatMatrix input) {
        Whitening w = fitted();
        checkWidth(input, "input");
        if (input.rows() == 0) {
            return FloatMatrix.zeros(0, w.outputs());
        }
        try (INDArray x = NativeArrays.upload(input); INDArray y = w.whitenInPlace(x)) {
            return NativeArrays.download(y);
        }
    }

    /** {@code mu + P+ P (x - mu)}: x itself for ZCA and full PCA, its projection on the k components otherwise. */
    @Override
    public FloatMatrix reconstruct(FloatMatrix input) {
        Whitening w = fitted();
        checkWidth(input, "input");
        if (input.rows() == 0) {
            return FloatMatrix.zeros(0, inputs);
        }
        try (INDArray x = NativeArrays.upload(input); INDArray y = w.whitenInPlace(x); INDArray back = w.unwhiten(y)) {
            return NativeArrays.download(back);
        }
    }

    /** PCA: the columns of P^T, {@code (D_i + eps)^(-1/2) e_i}, leading first. ZCA: none (see {@link #pictures}). */
    @Override
    public Parameter filters() {
        if (whitening == null || options.kind() == Kind.ZCA) {
            return null;
        }
        try (INDArray pt = whitening.transform().transpose().dup('c')) {
            return new Parameter("P^T", new int[] {inputs, whitening.outputs()}, NativeArrays.values(pt));
        }
    }

    /**
     * {@code whitened}: up to 100 held-out inputs, each followed by its whitened version drawn in input space
     * ({@link Whitening#inInputSpace}), 10 pairs to a row, each tile stretched to its own range. ZCA adds
     * {@code filters}: the rows of P (P is symmetric) of 100 inputs spread evenly over those whose held-out variance
     * is at least a tenth of the largest: centre-surround filters, where PCA's eigenvector filters would say little.
     */
    @Override
    public List<Picture> pictures(FloatMatrix heldOut) {
        if (whitening == null || heldOut.rows() == 0 || heldOut.cols() != inputs) {
            return List.of();
        }
        List<Picture> pictures = new ArrayList<>();
        int m = Math.min(PICTURED, heldOut.rows());
        FloatMatrix originals = heldOut.rows(0, m);
        float[] whitened;
        try (INDArray x = NativeArrays.upload(originals); INDArray y = whitening.whitenInPlace(x);
                INDArray shown = whitening.inInputSpace(y)) {
            whitened = NativeArrays.values(shown);
        }
        float[] tiles = new float[2 * m * inputs];
        for (int i = 0; i < m; i++) {
            System.arraycopy(originals.data(), i * inputs, tiles, 2 * i * inputs, inputs);
            System.arraycopy(whitened, i * inputs, tiles, (2 * i + 1) * inputs, inputs);
        }
        pictures.add(new Picture("whitened", new FloatMatrix(2 * m, inputs, tiles), 20, Picture.Scaling.PER_TILE));
        if (options.kind() == Kind.ZCA) {
            int[] shown = spreadOverVaryingInputs(heldOut, PICTURED);
            FloatMatrix filters;
            try (INDArray rows = whitening.transform().getRows(shown)) {
                filters = NativeArrays.download(rows);
            }
            for (int i = 0; i < shown.length; i++) {
                filters.data()[i * inputs + shown[i]] = 0; // the centre weight dwarfs the surround
            }
            pictures.add(new Picture("filters", filters, 10, Picture.Scaling.PER_TILE));
        }
        return pictures;
    }

    /** Up to {@code count} input indices, ascending, spread evenly over those with at least 1/10 of the top variance. */
    static int[] spreadOverVaryingInputs(FloatMatrix data, int count) {
        int n = data.cols();
        double[] sum = new double[n];
        double[] sumSq = new double[n];
        float[] v = data.data();
        for (int r = 0; r < data.rows(); r++) {
            for (int c = 0, i = r * n; c < n; c++, i++) {
                sum[c] += v[i];
                sumSq[c] += (double) v[i] * v[i];
            }
        }
        double[] variance = new double[n];
        double max = 0;
        for (int c = 0; c < n; c++) {
            double mean = sum[c] / data.rows();
            variance[c] = sumSq[c] / data.rows() - mean * mean;
            max = Math.max(max, variance[c]);
        }
        List<Integer> varying = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            if (variance[c] >= max / 10) {
                varying.add(c);
            }
        }
        int k = Math.min(count, varying.size());
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = varying.get((int) ((i + 0.5) * varying.size() / k));
        }
        return out;
    }

    @Override
    public List<Parameter> parameters() {
        Whitening w = fitted();
        int k = w.outputs();
        double[] d = w.eigenvalues();
        float[] eigenvalues = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            eigenvalues[i] = (float) d[i];
        }
        return List.of(new Parameter("mean", new int[] {inputs}, NativeArrays.values(w.mean())),
                new Parameter("P", new int[] {k, inputs}, NativeArrays.values(w.transform())),
                new Parameter("Pinv", new int[] {inputs, k}, NativeArrays.values(w.inverse())),
                new Parameter("eigenvalues", new int[] {inputs}, eigenvalues));
    }

    @Override
    public void restore(List<Parameter> saved) {
        Map<String, Parameter> byName = new HashMap<>();
        saved.forEach(p -> byName.put(p.name(), p));
        Parameter p = require(byName, "P", null);
        int k = p.shape().length == 2 ? p.shape()[0] : -1;
        boolean kFits = options.kind() == Kind.ZCA ? k == inputs
                : options.components() > 0 ? k == options.components() : k >= 1 && k <= inputs;
        if (!kFits || p.shape()[1] != inputs) {
            throw new IllegalArgumentException("parameter P has shape " + Arrays.toString(p.shape()) + ", expected ["
                    + (options.kind() == Kind.ZCA ? inputs : options.components() > 0 ? options.components() : "k")
                    + ", " + inputs + "]" + (options.components() == 0 ? " with 1 <= k <= " + inputs : ""));
        }
        Parameter mean = require(byName, "mean", new int[] {inputs});
        Parameter inverse = require(byName, "Pinv", new int[] {inputs, k});
        Parameter eigenvalues = require(byName, "eigenvalues", new int[] {inputs});
        double[] d = new double[inputs];
        for (int i = 0; i < inputs; i++) {
            d[i] = eigenvalues.values()[i];
        }
        replace(Whitening.of(options.kind(), options.epsilon(),
                Nd4j.create(mean.values(), new long[] {1, inputs}, DataType.FLOAT),
                Nd4j.create(p.values(), new long[] {k, inputs}, DataType.FLOAT),
                Nd4j.create(inverse.values(), new long[] {inputs, k}, DataType.FLOAT), d));
    }

    private static Parameter require(Map<String, Parameter> byName, String name, int[] shape) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("missing parameter " + name
                    + (shape == null ? "" : " " + Arrays.toString(shape)));
        }
        if (shape != null && !Arrays.equals(p.shape(), shape)) {
            throw new IllegalArgumentException("parameter " + name + " has shape " + Arrays.toString(p.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        return p;
    }

    @Override
    public void close() {
        replace(null);
    }

    private void replace(Whitening w) {
        if (whitening != null) {
            whitening.close();
        }
        whitening = w;
    }

    private Whitening fitted() {
        if (whitening == null) {
            throw new IllegalStateException(options.kind().jsonName()
                    + " stage is not fitted: fit or restore it first");
        }
        return whitening;
    }

    private void checkWidth(FloatMatrix m, String what) {
        if (m.cols() != inputs) {
            throw new IllegalArgumentException(what + " has " + m.cols() + " columns, this stage takes " + inputs);
        }
    }
}
