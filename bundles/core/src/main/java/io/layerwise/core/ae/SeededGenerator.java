package io.layerwise.core.ae;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's native random generator, seeded once, for the draws of one stage part (a DAE's noise, an RBM's Gibbs
 * sampler). Its whole state is two words, {@code rootState} and {@code nodeState}, which {@link #state()} hands to
 * a checkpoint and {@link #restoreState} puts back, so that the draws that follow are those that followed it.
 */
public final class SeededGenerator implements AutoCloseable {
    static final String ROOT = "rootState";
    static final String NODE = "nodeState";

    private final Random rng;

    public SeededGenerator(long seed) {
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /** The generator, for ND4J's random ops: {@code Nd4j.getExecutioner().exec(op, generator.random())}. */
    public Random random() {
        return rng;
    }

    /** {@code rootState} and {@code nodeState}, for checkpoints. */
    public Map<String, Long> state() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put(ROOT, rng.rootState());
        m.put(NODE, rng.nodeState());
        return m;
    }

    /**
     * Continues from a {@link #state()}; names a missing or unknown entry.
     *
     * @param what names the part in the message, e.g. {@code noise}
     */
    public void restoreState(Map<String, Long> state, String what) {
        Long root = state.get(ROOT);
        Long node = state.get(NODE);
        if (root == null || node == null || state.size() != 2) {
            throw new IllegalArgumentException(what + " state must have exactly " + ROOT + " and " + NODE + ", got "
                    + new TreeSet<>(state.keySet()));
        }
        rng.setStates(root, node);
    }

    @Override
    public void close() {
        try {
            rng.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
