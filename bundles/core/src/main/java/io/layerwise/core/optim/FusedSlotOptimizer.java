package io.layerwise.core.optim;

import io.layerwise.core.nn.NdArrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link SlotOptimizer} whose rule also runs as one fused Java loop over whole float32 arrays ({@link HeapPass}),
 * with some of its slots on the heap while that loop owns them ({@link HeapSlots}): Adam's m and v, SGD's velocity.
 * It decides per parameter which path takes it, keeps the heap copies and the slots in step around {@link #state} and
 * {@link #restoreState}, and holds the switches by which tests compare the fused path with the plain one.
 */
abstract class FusedSlotOptimizer extends SlotOptimizer {
    private final HeapPass pass = new HeapPass();
    private HeapSlots heapSlots;
    private boolean fused = true;
    private boolean splitLarge = true;

    FusedSlotOptimizer(Options options, Schedule schedule, List<INDArray> parameters) {
        super(options, schedule, parameters);
    }

    /** The slots the fused loop keeps on the heap, each one array per parameter: once, after they are declared. */
    final void heapSlots(List<List<INDArray>> slots) {
        this.heapSlots = new HeapSlots(slots);
    }

    /**
     * Whether parameter {@code i} takes the fused loop: its arrays whole float32 on the CPU, and the loop not turned
     * off. When not, its heap copies, if any, are first written back to the slots for the plain path.
     */
    final boolean fused(int i, INDArray... arrays) {
        if (fused && NdArrays.wholeFloat32(arrays)) {
            return true;
        }
        heapSlots.settle(i);
        return false;
    }

    /** Parameter {@code i}'s heap copies of the slots, in the order given to {@link #heapSlots}. */
    final float[][] onHeap(int i) {
        return heapSlots.of(i);
    }

    /** {@code rule} over the gradient and the parameter in chunks, a large array on two cores. */
    final void fusedPass(INDArray g, INDArray p, HeapPass.Rule rule) {
        pass.apply(g, p, splitLarge, rule);
    }

    @Override
    final void beforeSlotsRead() {
        heapSlots.writeBack();
    }

    @Override
    final void afterSlotsWritten() {
        heapSlots.forget();
    }

    /** Turns the fused loop off (true) or on: for tests that compare the two. */
    final void plainOnly(boolean plain) {
        this.fused = !plain;
    }

    /** Turns the sharing of large arrays with a second core on (the default) or off: for tests that compare the two. */
    final void splitLarge(boolean split) {
        this.splitLarge = split;
    }
}
