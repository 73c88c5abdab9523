package io.layerwise.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Frees off-heap arrays now rather than when the garbage collector gets round to it. */
public final class NdArrays {
    private NdArrays() {
    }

    /** Closes every non-null array that owns its buffer; views and nulls are skipped. */
    public static void close(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && a.closeable()) {
                a.close();
            }
        }
    }
}
