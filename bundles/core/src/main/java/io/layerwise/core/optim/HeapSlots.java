package io.layerwise.core.optim;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An optimizer's state slots while a fused loop ({@link HeapPass}) owns them: per parameter, heap copies of its
 * arrays in every given slot (Adam's m and v, SGD's velocity), made on the first fused update and the authority from
 * then on, the native slot being stale. {@link #settle} hands one parameter back to the plain path, {@link #writeBack}
 * brings every slot up to date before the state is read, {@link #forget} drops the copies after the slots were
 * overwritten (a restore or a reset), so the next fused update copies them afresh.
 */
final class HeapSlots {
    private final List<List<INDArray>> slots;
    /** Per parameter, its arrays in slot order while the fused loop owns them; else null. */
    private final float[][][] heap;

    /** @param slots each slot's arrays, one per parameter, all of one count */
    HeapSlots(List<List<INDArray>> slots) {
        this.slots = List.copyOf(slots);
        this.heap = new float[slots.get(0).size()][][];
    }

    /** Parameter {@code i}'s arrays in slot order, copied from the slots on the first call since the last hand-back. */
    float[][] of(int i) {
        if (heap[i] == null) {
            float[][] copies = new float[slots.size()][];
            for (int s = 0; s < copies.length; s++) {
                copies[s] = HeapPass.copy(slots.get(s).get(i));
            }
            heap[i] = copies;
        }
        return heap[i];
    }

    /** Writes parameter {@code i}'s heap arrays back to its slots and hands the slots back to the plain path. */
    void settle(int i) {
        if (heap[i] != null) {
            write(i);
            heap[i] = null;
        }
    }

    /** Writes every heap array back to its slot; the heap copies stay in charge. */
    void writeBack() {
        for (int i = 0; i < heap.length; i++) {
            if (heap[i] != null) {
                write(i);
            }
        }
    }

    /** Drops every heap copy: the slots were overwritten. */
    void forget() {
        Arrays.fill(heap, null);
    }

    private void write(int i) {
        for (int s = 0; s < heap[i].length; s++) {
            HeapPass.out(heap[i][s], slots.get(s).get(i));
        }
    }
}
