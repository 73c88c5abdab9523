package io.layerwise.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The running sum of a round's worker results, added in worker order by {@link OrderedSum}: parameters, optimiser
 * arrays and float64 state summed in double precision over the workers that trained a batch (the order is fixed, so
 * any number of workers gives the same average from run to run, a resumed run included), each
 * worker's own state kept by index, the loss summed. {@link #into} divides and builds the next snapshot.
 */
public final class Average implements Serializable {
    private static final long serialVersionUID = 1L;
    private double[][] parameters;
    private double[][] optimizer;
    private final Map<String, double[]> values = new HashMap<>();
    private int count;
    private double loss;
    private int batches;
    private int batchesPerEpoch;
    private final TreeMap<Integer, Snapshot.WorkerState> own = new TreeMap<>();
    /** The arrays' names and shapes (values left out: they travel in the sums), from a worker that trained. */
    private List<Snapshot.Array> parameterNames;
    private List<Snapshot.Array> optimizerNames;

    /** Adds one worker's result. */
    public Average add(RoundTask.Result r) {
        batchesPerEpoch = Math.max(batchesPerEpoch, r.batchesPerEpoch());
        own.put(r.worker(), r.state().own());
        if (r.batches() == 0) {
            // a shard with fewer minibatches, past its end: its unchanged copy would only damp the others' steps
            return this;
        }
        parameters = plus(parameters, r.parameters());
        optimizer = plus(optimizer, r.state().optimizer());
        r.state().values().forEach((k, v) -> values.merge(k, v.clone(), Average::plus));
        count++;
        loss += r.lossSum();
        batches += r.batches();
        if (parameterNames == null) {
            parameterNames = shapes(r.parameters());
            optimizerNames = shapes(r.state().optimizer());
        }
        return this;
    }

    /** Merges another partial sum: the next worker's, in worker order ({@link OrderedSum}). */
    public Average merge(Average o) {
        parameters = plus(parameters, o.parameters);
        optimizer = plus(optimizer, o.optimizer);
        o.values.forEach((k, v) -> values.merge(k, v.clone(), Average::plus));
        count += o.count;
        loss += o.loss;
        batches += o.batches;
        batchesPerEpoch = Math.max(batchesPerEpoch, o.batchesPerEpoch);
        own.putAll(o.own);
        if (parameterNames == null) {
            parameterNames = o.parameterNames;
            optimizerNames = o.optimizerNames;
        }
        return this;
    }

    public double loss() {
        return loss;
    }

    /** Minibatches trained in the round, over all workers. */
    public int batches() {
        return batches;
    }

    /** The most minibatches per epoch of any worker's shard. */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** The snapshot of the next round: the means, and each worker's own state; {@code before} when none trained. */
    public Snapshot into(Snapshot before) {
        if (count == 0) {
            return new Snapshot(before.parameters(), before.optimizer(), before.values(), withOwn(before));
        }
        Map<String, double[]> meanValues = new HashMap<>();
        values.forEach((k, v) -> {
            double[] m = v.clone();
            for (int i = 0; i < m.length; i++) {
                m[i] /= count;
            }
            meanValues.put(k, m);
        });
        return new Snapshot(mean(parameters, parameterNames), mean(optimizer, optimizerNames),
                meanValues, withOwn(before));
    }

    private Map<Integer, Snapshot.WorkerState> withOwn(Snapshot before) {
        Map<Integer, Snapshot.WorkerState> all = new TreeMap<>(before.workers());
        all.putAll(own);
        return all;
    }

    private List<Snapshot.Array> mean(double[][] sums, List<Snapshot.Array> like) {
        List<Snapshot.Array> out = new ArrayList<>();
        for (int i = 0; i < like.size(); i++) {
            float[] v = new float[sums[i].length];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (sums[i][j] / count);
            }
            out.add(new Snapshot.Array(like.get(i).name(), like.get(i).shape(), v));
        }
        return out;
    }

    private static List<Snapshot.Array> shapes(List<Snapshot.Array> arrays) {
        List<Snapshot.Array> out = new ArrayList<>();
        arrays.forEach(a -> out.add(new Snapshot.Array(a.name(), a.shape(), new float[0])));
        return out;
    }

    private static double[][] plus(double[][] sum, List<Snapshot.Array> arrays) {
        if (sum == null) {
            sum = new double[arrays.size()][];
            for (int i = 0; i < sum.length; i++) {
                sum[i] = new double[arrays.get(i).values().length];
            }
        }
        if (sum.length != arrays.size()) {
            throw new IllegalStateException("workers returned " + sum.length + " and " + arrays.size() + " arrays");
        }
        for (int i = 0; i < sum.length; i++) {
            float[] v = arrays.get(i).values();
            for (int j = 0; j < v.length; j++) {
                sum[i][j] += v[j];
            }
        }
        return sum;
    }

    private static double[][] plus(double[][] a, double[][] b) {
        if (a == null) {
            return b == null ? null : deepClone(b);
        }
        if (b != null) {
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[i].length; j++) {
                    a[i][j] += b[i][j];
                }
            }
        }
        return a;
    }

    private static double[][] deepClone(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private static double[] plus(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }
}
