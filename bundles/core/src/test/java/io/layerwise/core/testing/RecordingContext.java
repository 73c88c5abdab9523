package io.layerwise.core.testing;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.stage.MemoryEstimate;
import io.layerwise.api.stage.StageContext;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TestContext} (penalties that do nothing, input in [0, 1]) that says how many rows the stage gets and keeps
 * every {@link MemoryEstimate} the stage reserves, for tests of memory estimates.
 */
public final class RecordingContext implements StageContext {
    private final TestContext inner;
    private final int rows;
    /** What the stage reserved, in order. */
    public final List<MemoryEstimate> reserved = new ArrayList<>();

    public RecordingContext(int inputs, int rows) {
        this.inner = TestContext.withNoOpPenalties(inputs, Dataset.UNIT, 5);
        this.rows = rows;
    }

    @Override
    public int inputSize() {
        return inner.inputSize();
    }

    @Override
    public String inputRange() {
        return inner.inputRange();
    }

    @Override
    public long seed() {
        return inner.seed();
    }

    @Override
    public Penalty penalty(Spec spec) {
        return inner.penalty(spec);
    }

    @Override
    public void log(String message) {
        inner.log(message);
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public void reserve(MemoryEstimate estimate) {
        reserved.add(estimate);
    }
}
