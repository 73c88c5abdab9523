package io.layerwise.engine.internal;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.api.spec.SpecException;
import io.layerwise.api.stage.MemoryEstimate;
import io.layerwise.api.stage.MemoryEstimate.Part;
import io.layerwise.api.stage.MemoryEstimate.Pool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * The engine's side of {@link io.layerwise.api.stage.StageContext#reserve}: what a stage states it allocates, plus
 * what the engine holds for it, against the limits of this JVM. The engine holds, on the heap, the rows of the run
 * (the data and the stage's input), a copy of the parameters while it saves them, with {@code restoreBest} the best
 * epoch's, the training state of a checkpoint, and for fine-tuning each stage's encoder and decoder; when it restores
 * a saved model instead, the parameters read from {@code params.bin}. Three limits apply:
 * <ul>
 * <li>native memory against {@code org.bytedeco.javacpp.maxbytes}, the budget this distribution gives ND4J's arrays
 * (libnd4j allocates them outside JavaCPP's own count, but they raise the process's physical memory, below);</li>
 * <li>the heap against {@code -Xmx} ({@link Runtime#maxMemory()});</li>
 * <li>both together against {@code org.bytedeco.javacpp.maxphysicalbytes}: JavaCPP refuses every further allocation,
 * ND4J's included, once the process's physical memory passes it.</li>
 * </ul>
 * A limit of 0 or less is none. The limits are compared whole, not less what runs already use, so that a pipeline is
 * refused or accepted the same way each time; jobs running side by side share them.
 */
final class MemoryBudget {

    /** The three limits, in bytes; 0 or less: none. */
    record Limits(long nativeBytes, long heapBytes, long physicalBytes) {
        /** This JVM's: JavaCPP's maxbytes and maxphysicalbytes, and the heap's maximum. */
        static Limits ofThisJvm() {
            return new Limits(Pointer.maxBytes(), Runtime.getRuntime().maxMemory(), Pointer.maxPhysicalBytes());
        }
    }

    /** What the engine holds beside a stage. */
    record Held(long rowBytes, boolean restoreBest, boolean fineTune, long keptBytes, long savedParameterBytes) {
        /** For a stage that trains or fits: its rows, and the encoders and decoders of earlier stages kept for fine-tuning. */
        static Held training(long rowBytes, boolean restoreBest, boolean fineTune, long keptBytes) {
            return new Held(rowBytes, restoreBest, fineTune, keptBytes, -1);
        }

        /**
         * For a stage rebuilt from a saved model whose parameters take {@code savedParameterBytes}; with
         * {@code fineTune}, its encoder and decoder are kept (beside {@code keptBytes} of earlier stages').
         */
        static Held restoring(long rowBytes, long savedParameterBytes, boolean fineTune, long keptBytes) {
            return new Held(rowBytes, false, fineTune, keptBytes, savedParameterBytes);
        }
    }

    /** The float32 bytes of these matrices (nulls count nothing). */
    static long bytes(FloatMatrix... matrices) {
        long sum = 0;
        for (FloatMatrix m : matrices) {
            sum += m == null ? 0 : 4L * m.data().length;
        }
        return sum;
    }

    /** Whether a stage's raw JSON asks for {@code train.earlyStopping.restoreBest} (validated elsewhere). */
    static boolean restoreBest(Map<String, Object> stage) {
        return stage.get("train") instanceof Map<?, ?> t && t.get("earlyStopping") instanceof Map<?, ?> es
                && Boolean.TRUE.equals(es.get("restoreBest"));
    }

    /**
     * One line for an {@link OutOfMemoryError} that happened anyway (an estimate too low, memory taken by other jobs):
     * what was running, what ran out, and the limits, e.g. {@code out of memory while saving the model of epoch 3:
     * Java heap space; limits: heap 2.00 GiB (-Xmx), ...}.
     */
    static String outOfMemory(String doing, OutOfMemoryError e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String reason = String.valueOf(t.getMessage()).lines().findFirst().orElse("").strip();
        Limits l = Limits.ofThisJvm();
        return "out of memory while " + doing + (reason.isEmpty() || reason.equals("null") ? "" : ": " + reason)
                + "; limits: heap " + size(l.heapBytes()) + " (-Xmx), native " + limit(l.nativeBytes())
                + " (org.bytedeco.javacpp.maxbytes), physical " + limit(l.physicalBytes())
                + " (org.bytedeco.javacpp.maxphysicalbytes)";
    }

    private static String limit(long bytes) {
        return bytes > 0 ? size(bytes) : "none";
    }

    private final Limits limits;
    private final String stage;
    private final Held held;

    /** @param stage the stage in words, e.g. {@code stage 1 (dae)} */
    MemoryBudget(Limits limits, String stage, Held held) {
        this.limits = limits;
        this.stage = stage;
        this.held = held;
    }

    /**
     * Throws a {@link SpecException} at the estimate's field when a limit would be exceeded, naming the sizes, their
     * largest parts and the limit; for a restored stage, first when its spec makes parameters of another size than
     * the saved ones.
     */
    void check(MemoryEstimate e) {
        if (held.savedParameterBytes() >= 0 && e.parameterBytes() != held.savedParameterBytes()) {
            throw new SpecException(e.field(), e.value() + " makes parameters of " + e.parameterBytes() / 4
                    + " values, but the saved model holds " + held.savedParameterBytes() / 4 + " (the spec and the saved"
                    + " parameters do not match); nothing was loaded");
        }
        List<Part> nat = new ArrayList<>();
        List<Part> heap = new ArrayList<>();
        for (Part p : e.parts()) {
            (p.pool() == Pool.NATIVE ? nat : heap).add(p);
        }
        heap.addAll(enginesParts(e));
        long nativeBytes = sum(nat);
        long heapBytes = sum(heap);
        List<String> over = new ArrayList<>();
        if (limits.nativeBytes() > 0 && nativeBytes > limits.nativeBytes()) {
            over.add("about " + size(nativeBytes) + " of native memory for ND4J arrays (" + largest(nat)
                    + "), more than the " + size(limits.nativeBytes()) + " of org.bytedeco.javacpp.maxbytes");
        }
        if (limits.heapBytes() > 0 && heapBytes > limits.heapBytes()) {
            over.add("about " + size(heapBytes) + " of Java heap (" + largest(heap) + "), more than the "
                    + size(limits.heapBytes()) + " heap limit (-Xmx)");
        }
        if (over.isEmpty() && limits.physicalBytes() > 0 && nativeBytes + heapBytes > limits.physicalBytes()) {
            over.add("about " + size(nativeBytes) + " of native memory and " + size(heapBytes) + " of Java heap, together"
                    + " more than the " + size(limits.physicalBytes()) + " of org.bytedeco.javacpp.maxphysicalbytes");
        }
        if (!over.isEmpty()) {
            throw new SpecException(e.field(), e.value() + ": " + stage + " would need " + String.join("; and ", over)
                    + "; use a smaller " + e.field() + " or raise the limit");
        }
    }

    /** What the engine holds on the heap for this stage. */
    private List<Part> enginesParts(MemoryEstimate e) {
        List<Part> parts = new ArrayList<>();
        add(parts, "the rows of the run", held.rowBytes());
        if (held.savedParameterBytes() >= 0) {
            add(parts, "the saved parameters read", held.savedParameterBytes());
        } else {
            add(parts, "a copy of the parameters to save them", e.parameterBytes());
            if (held.restoreBest()) {
                add(parts, "the best epoch's parameters (restoreBest)", e.parameterBytes());
            }
            add(parts, "the training state of a checkpoint", e.stateBytes());
        }
        // the encoder's and the decoder's copies, and the copy the decoder is transposed from
        add(parts, "encoders and decoders kept for fine-tuning", held.keptBytes()
                + (held.fineTune() ? 3 * e.parameterBytes() : 0));
        return parts;
    }

    private static void add(List<Part> parts, String what, long bytes) {
        if (bytes > 0) {
            parts.add(new Part(what, Pool.HEAP, bytes));
        }
    }

    private static long sum(List<Part> parts) {
        long s = 0;
        for (Part p : parts) {
            s += p.bytes();
        }
        return s;
    }

    /** The three largest parts, e.g. {@code parameters 3.1 GiB, gradients 3.1 GiB, ...}. */
    private static String largest(List<Part> parts) {
        List<Part> sorted = parts.stream().sorted(Comparator.comparingLong(Part::bytes).reversed()).toList();
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(3, sorted.size()); i++) {
            shown.add(sorted.get(i).what() + " " + size(sorted.get(i).bytes()));
        }
        return String.join(", ", shown) + (sorted.size() > 3 ? ", ..." : "");
    }

    /** Bytes in binary units with three significant figures, e.g. {@code 3.06 GiB}. */
    static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0) {
            return bytes + " bytes";
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
    }
}
