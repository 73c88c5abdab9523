package io.layerwise.core.ae;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.core.nn.NdArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Copies between the API's {@link FloatMatrix} and ND4J float32 arrays. */
public final class Matrices {
    private Matrices() {
    }

    /** A new c-order float32 array with the matrix's rows (one bulk copy into native memory: NdArrays.upload). */
    public static INDArray upload(FloatMatrix m) {
        return NdArrays.upload(m);
    }

    /** The values of a 2-D array as a row-major float matrix. */
    public static FloatMatrix download(INDArray a) {
        return new FloatMatrix((int) a.rows(), (int) a.columns(), values(a));
    }

    /** The values of any array, row-major, as float32. */
    public static float[] values(INDArray a) {
        INDArray c = a;
        if (a.dataType() != DataType.FLOAT) {
            c = a.castTo(DataType.FLOAT);
        } else if (a.isView() || a.ordering() != 'c') {
            c = a.dup('c');
        }
        float[] v = c.data().asFloat();
        if (v.length != c.length()) {
            v = java.util.Arrays.copyOf(v, (int) c.length());
        }
        if (c != a) {
            c.close();
        }
        return v;
    }
}
