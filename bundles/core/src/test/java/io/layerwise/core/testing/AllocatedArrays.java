package io.layerwise.core.testing;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The native bytes of the ND4J arrays an object graph holds, for tests of memory estimates. ND4J's buffers are
 * allocated by libnd4j, outside JavaCPP's own count ({@code Pointer.totalBytes()}), and the process's resident size
 * moves with the JVM and the C allocator's free lists; counting the distinct buffers reachable from a stage is exact.
 * The walk follows the fields of Layerwise's own classes (and records), the elements of collections, maps and arrays,
 * and stops at every {@link INDArray}; a view counts the buffer it views once.
 */
public final class AllocatedArrays {
    private AllocatedArrays() {
    }

    /** Bytes of the distinct ND4J buffers reachable from {@code roots} (live arrays only). */
    public static long bytes(Object... roots) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<DataBuffer> buffers = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>();
        for (Object r : roots) {
            if (r != null) {
                todo.push(r);
            }
        }
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (!seen.add(o)) {
                continue;
            }
            if (o instanceof INDArray a) {
                if (!a.wasClosed()) {
                    DataBuffer d = a.data();
                    while (d.originalDataBuffer() != null && d.originalDataBuffer() != d) {
                        d = d.originalDataBuffer();
                    }
                    buffers.add(d);
                }
            } else if (o instanceof Map<?, ?> m) {
                m.values().forEach(v -> push(todo, v));
            } else if (o instanceof Iterable<?> it) {
                it.forEach(v -> push(todo, v));
            } else if (o.getClass().isArray()) {
                if (!o.getClass().getComponentType().isPrimitive()) {
                    for (int i = 0; i < Array.getLength(o); i++) {
                        push(todo, Array.get(o, i));
                    }
                }
            } else if (o.getClass().getName().startsWith("io.layerwise.") && !(o instanceof Enum<?>)) {
                for (Class<?> c = o.getClass(); c != null && c.getName().startsWith("io.layerwise."); c = c.getSuperclass()) {
                    for (Field f : c.getDeclaredFields()) {
                        if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                            continue;
                        }
                        try {
                            f.setAccessible(true);
                            push(todo, f.get(o));
                        } catch (ReflectiveOperationException | RuntimeException e) {
                            throw new IllegalStateException("cannot read " + f, e);
                        }
                    }
                }
            }
        }
        long sum = 0;
        for (DataBuffer d : buffers) {
            sum += d.length() * d.getElementSize();
        }
        return sum;
    }

    private static void push(Deque<Object> todo, Object o) {
        if (o != null) {
            todo.push(o);
        }
    }
}
