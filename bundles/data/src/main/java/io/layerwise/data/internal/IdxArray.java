package io.layerwise.data.internal;

import io.layerwise.api.data.FloatMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Any IDX file of unsigned bytes (type 0x08) or big-endian float32 (0x0D) with 1 to 4 dimensions: the first counts
 * records, the rest make one record (an image {@code h x w}, or {@code c x h x w}, or a feature vector).
 *
 * @param dims      the dimensions as the header gives them
 * @param unsigned8 whether the values were bytes (0..255)
 * @param values    the record values, row-major, as floats
 */
record IdxArray(Path file, int[] dims, boolean unsigned8, float[] values) {
    static final int U8 = 0x08;
    static final int F32 = 0x0D;

    static IdxArray read(Path file) throws IOException {
        try (IdxInput in = IdxInput.open(file)) {
            int magic = in.readMagic();
            int type = magic >> 8 & 0xff;
            int rank = magic & 0xff;
            if ((magic >>> 16) != 0 || rank < 1 || rank > 4) {
                throw in.error("not an IDX file: magic number " + magic + " at offset 0 (expected 0x0000, a type code"
                        + " and 1 to 4 dimensions)");
            }
            if (type != U8 && type != F32) {
                throw in.error("IDX type code 0x" + Integer.toHexString(type) + " at offset 2 is not supported; use"
                        + " unsigned bytes (0x08) or float32 (0x0D)");
            }
            int[] dims = new int[rank];
            long perRecord = 1;
            for (int d = 0; d < rank; d++) {
                dims[d] = in.dimension(d == 0 ? "record count" : "dimension " + (d + 1), d == 0 ? 0 : 1);
                if (d > 0) {
                    perRecord *= dims[d];
                    in.checkCap(perRecord, "values per record");
                }
            }
            long values = perRecord * dims[0];
            int width = type == U8 ? 1 : 4;
            in.checkCap(values, Arrays.toString(dims));
            in.checkClaim(values * width, Arrays.toString(dims) + (type == U8 ? " bytes" : " float32 values"));
            byte[] raw = in.readPayload((int) (values * width));
            in.expectEnd();
            float[] out = new float[(int) values];
            if (type == U8) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = raw[i] & 0xff;
                }
            } else {
                ByteBuffer.wrap(raw).asFloatBuffer().get(out);
                for (int i = 0; i < out.length; i++) {
                    if (!Float.isFinite(out[i])) {
                        throw in.error("value " + out[i] + " at offset " + (4L + 4L * rank + 4L * i) + " (record "
                                + i / perRecord + ") is not finite");
                    }
                }
            }
            return new IdxArray(file, dims, type == U8, out);
        }
    }

    int records() {
        return dims[0];
    }

    private int product() {
        int p = 1;
        for (int d = 1; d < dims.length; d++) {
            p *= dims[d];
        }
        return p;
    }

    /** {@code [channels, height, width]} for image records (rank 3 or 4), else null. */
    int[] sampleShape() {
        return switch (dims.length) {
            case 3 -> new int[] {1, dims[1], dims[2]};
            case 4 -> new int[] {dims[1], dims[2], dims[3]};
            default -> null;
        };
    }

    /** The records as rows; bytes become {@code v / 255} in [0, 1]. */
    FloatMatrix matrix() {
        int cols = dims.length == 1 ? 1 : product();
        float[] v = values;
        if (unsigned8) {
            v = values.clone();
            for (int i = 0; i < v.length; i++) {
                v[i] /= 255f;
            }
        }
        return new FloatMatrix(dims[0], cols, v);
    }

    /** The records of a rank-1 file as class labels (whole numbers 0..65535). */
    int[] labels() throws IOException {
        if (dims.length != 1) {
            throw new IOException(file + ": labels must be a rank-1 IDX file, this one has dimensions "
                    + Arrays.toString(dims));
        }
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) {
            float v = values[i];
            if (v != Math.rint(v) || v < 0 || v > 65_535) {
                throw new IOException(file + ": label " + v + " of record " + i + " is not a class number 0..65535");
            }
            out[i] = (int) v;
        }
        return out;
    }
}
