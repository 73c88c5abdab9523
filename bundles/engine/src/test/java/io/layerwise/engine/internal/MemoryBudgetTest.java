package io.layerwise.engine.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.MemoryEstimate;
import io.layerwise.api.stage.MemoryEstimate.Part;
import io.layerwise.api.stage.MemoryEstimate.Pool;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
    static final long GIB = 1L << 30;
    static final MemoryBudget.Limits LIMITS = new MemoryBudget.Limits(6 * GIB, 2 * GIB, 10 * GIB);

    /** A dae of 784 -> h with plain SGD: parameters and gradients natively, one copy of the parameters to save. */
    static MemoryEstimate dae(long h) {
        long params = 4 * (784 * h + h + 784);
        return new MemoryEstimate("stages[0].hidden", Long.toString(h), List.of(
                new Part("parameters", Pool.NATIVE, params), new Part("gradients", Pool.NATIVE, params),
                new Part("codes for the next stage", Pool.HEAP, 4 * 40 * h)), params, 0);
    }

    static MemoryBudget budget(boolean restoreBest) {
        return new MemoryBudget(LIMITS, "stage 1 (dae)", MemoryBudget.Held.training(125440, restoreBest, false, 0));
    }

    @Test
    void theDocumentedMaximumOfHiddenUnitsIsRefusedNamingTheFieldTheEstimatesAndBothLimits() {
        SpecException e = assertThrows(SpecException.class, () -> budget(false).check(dae(1048576)));
        assertEquals("stages[0].hidden", e.path());
        assertEquals("stages[0].hidden 1048576: stage 1 (dae) would need about 6.13 GiB of native memory for ND4J arrays"
                + " (parameters 3.07 GiB, gradients 3.07 GiB), more than the 6.00 GiB of org.bytedeco.javacpp.maxbytes;"
                + " and about 3.22 GiB of Java heap (a copy of the parameters to save them 3.07 GiB, codes for the next"
                + " stage 160 MiB, the rows of the run 123 KiB), more than the 2.00 GiB heap limit (-Xmx); use a smaller"
                + " stages[0].hidden or raise the limit", e.getMessage());
    }

    @Test
    void aStageThatFitsIsAccepted() {
        assertDoesNotThrow(() -> budget(false).check(dae(500)));
        assertDoesNotThrow(() -> budget(false).check(dae(400000))); // 2.3 GiB native, 1.2 GiB heap
    }

    @Test
    void keepingTheBestEpochsParametersCountsASecondCopyOnTheHeap() {
        SpecException e = assertThrows(SpecException.class, () -> budget(true).check(dae(400000)));
        assertTrue(e.getMessage().contains("of Java heap (a copy of the parameters to save them 1.17 GiB, the best epoch's"
                + " parameters (restoreBest) 1.17 GiB, codes for the next stage 61.0 MiB, ...), more than the 2.00 GiB"
                + " heap limit (-Xmx)"), e.getMessage());
        assertTrue(!e.getMessage().contains("maxbytes"), "native memory fits: " + e.getMessage());
    }

    @Test
    void thePhysicalLimitBoundsNativeAndHeapTogether() {
        MemoryBudget tight = new MemoryBudget(new MemoryBudget.Limits(6 * GIB, 2 * GIB, 3 * GIB), "stage 2 (rbm)",
                MemoryBudget.Held.training(0, false, false, 0));
        SpecException e = assertThrows(SpecException.class, () -> tight.check(dae(400000)));
        assertTrue(e.getMessage().contains("together more than the 3.00 GiB of org.bytedeco.javacpp.maxphysicalbytes"),
                e.getMessage());
    }

    @Test
    void noLimitIsNoCheck() {
        MemoryBudget none = new MemoryBudget(new MemoryBudget.Limits(0, 0, 0), "stage 1 (dae)",
                MemoryBudget.Held.training(0, true, true, 0));
        assertDoesNotThrow(() -> none.check(dae(1048576)));
    }

    @Test
    void aRestoredStageWhoseSpecMakesOtherParametersThanTheSavedOnesIsRefusedBeforeMemoryIsCounted() {
        MemoryBudget restoring = new MemoryBudget(LIMITS, "stage 1 (dae)", MemoryBudget.Held.restoring(0, 4 * 7064, false, 0));
        SpecException e = assertThrows(SpecException.class, () -> restoring.check(dae(1048576)));
        assertEquals("stages[0].hidden 1048576 makes parameters of 823132944 values, but the saved model holds 7064 (the"
                + " spec and the saved parameters do not match); nothing was loaded", e.getMessage());
        assertDoesNotThrow(() -> restoring.check(dae(8)));
    }

    @Test
    void sizesReadInBinaryUnits() {
        assertEquals("512 bytes", MemoryBudget.size(512));
        assertEquals("1.00 KiB", MemoryBudget.size(1024));
        assertEquals("3.06 GiB", MemoryBudget.size(4L * 784 * 1048576));
        assertEquals("160 MiB", MemoryBudget.size(4L * 40 * 1048576));
    }
}
