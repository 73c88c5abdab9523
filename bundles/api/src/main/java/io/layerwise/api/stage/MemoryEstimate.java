package io.layerwise.api.stage;

import java.util.List;

/**
 * The memory a stage will use, stated by its provider after reading its fields and before it allocates anything
 * ({@link StageContext#reserve}). Two pools are counted apart because two limits bound them: ND4J's arrays live in
 * native memory, bounded by JavaCPP's {@code org.bytedeco.javacpp.maxbytes}; Java arrays (the parameters copied out
 * to be saved, the codes handed to the next stage) live on the heap, bounded by {@code -Xmx}. Each part is the most
 * the stage holds of that kind at once, so the sum over a pool is the stage's peak in it.
 *
 * @param field          the JSON path of the field that sets the size, named when the stage does not fit, e.g.
 *                       {@code stages[0].hidden}
 * @param value          that field's value, as the message shows it
 * @param parts          what the stage itself allocates
 * @param parameterBytes bytes of one copy of {@link Stage#parameters()}: the engine holds such copies to save the
 *                       model (and, with {@code restoreBest}, the best epoch's)
 * @param stateBytes     bytes of one copy of the arrays of {@link Stage#trainingState()}, written with each checkpoint
 * @since 1.4
 */
public record MemoryEstimate(String field, String value, List<Part> parts, long parameterBytes, long stateBytes) {

    /** Where a part lives. */
    public enum Pool {
        /** ND4J arrays, off the Java heap. */
        NATIVE,
        /** Java arrays. */
        HEAP
    }

    /** One kind of allocation, e.g. {@code ("gradients", NATIVE, 1254400000)}. */
    public record Part(String what, Pool pool, long bytes) {
        public Part {
            if (what == null || pool == null || bytes < 0) {
                throw new IllegalArgumentException("a part needs a name, a pool and bytes >= 0, got " + what + ", "
                        + pool + ", " + bytes);
            }
        }
    }

    public MemoryEstimate {
        if (field == null || value == null || parameterBytes < 0 || stateBytes < 0) {
            throw new IllegalArgumentException("an estimate needs a field, a value and bytes >= 0");
        }
        parts = List.copyOf(parts);
    }

    /** The sum of the parts in {@code pool}. */
    public long bytes(Pool pool) {
        long sum = 0;
        for (Part p : parts) {
            if (p.pool() == pool) {
                sum += p.bytes();
            }
        }
        return sum;
    }

    /** Bytes of a float32 array of these dimensions (each at most 2^31, so the product of three fits a long). */
    public static long floats(long... dims) {
        long n = 4;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
