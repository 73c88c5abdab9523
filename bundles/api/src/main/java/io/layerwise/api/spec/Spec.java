package io.layerwise.api.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One JSON object of a pipeline (a stage, a regularizer, the data section) read field by field with
 * validation. Values are plain Java: {@link Map}, {@link List}, {@link Number}, {@link String},
 * {@link Boolean}. Every getter checks type and range and throws a {@link SpecException} whose message
 * begins with the JSON path; every value read (defaults included) is recorded in {@link #resolved()}, so
 * the run directory can show the spec that actually ran. After reading, {@link #rejectUnknownFields()}
 * reports a field nobody read (usually a typo).
 */
public final class Spec {
    private final String path;
    private final Map<String, Object> values;
    private final Map<String, Object> resolved = new LinkedHashMap<>();
    private final Map<String, Spec> children = new LinkedHashMap<>();
    private final Map<String, List<Spec>> childLists = new LinkedHashMap<>();

    /**
     * @param path   JSON path of this object, e.g. {@code "stages[1]"}; empty for the document root
     * @param values the object's fields as parsed JSON
     */
    public Spec(String path, Map<String, ?> values) {
        this.path = path;
        this.values = new LinkedHashMap<>(values);
    }

    public static Spec empty(String path) {
        return new Spec(path, Map.of());
    }

    public String path() {
        return path;
    }

    /** The path of one of this object's fields. */
    public String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public boolean has(String key) {
        return values.containsKey(key) && values.get(key) != null;
    }

    /** The field names present in the JSON, in order. */
    public Set<String> fieldNames() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** Overrides or adds a value before it is read (e.g. {@code --epochs} on the command line). */
    public void set(String key, Object value) {
        values.put(key, value);
    }

    /** A required integer in [min, max]. */
    public int integer(String key, int min, int max) {
        if (!has(key)) {
            throw new SpecException(pathOf(key), "is required (an integer in [" + min + ", " + max + "])");
        }
        return integer(key, 0, min, max);
    }

    /** An integer in [min, max], {@code dflt} when absent. */
    public int integer(String key, int dflt, int min, int max) {
        int v = dflt;
        if (has(key)) {
            Object raw = values.get(key);
            if (!(raw instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                    || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
                throw new SpecException(pathOf(key), "must be an integer, got " + show(raw));
            }
            v = n.intValue();
        }
        if (v < min || v > max) {
            throw new SpecException(pathOf(key), "must be in [" + min + ", " + max + "], got " + v);
        }
        resolved.put(key, v);
        return v;
    }

    /** A list of integers, each in [min, max], {@code dflt} when absent; a bad element is named by its index. */
    public List<Integer> integers(String key, List<Integer> dflt, int min, int max) {
        List<Integer> v = dflt;
        if (has(key)) {
            Object raw = values.get(key);
            if (!(raw instanceof List<?> items)) {
                throw new SpecException(pathOf(key), "must be a list of integers, got " + show(raw));
            }
            v = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Object item = items.get(i);
                String p = pathOf(key) + "[" + i + "]";
                if (!(item instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                        || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
                    throw new SpecException(p, "must be an integer, got " + show(item));
                }
                if (n.intValue() < min || n.intValue() > max) {
                    throw new SpecException(p, "must be in [" + min + ", " + max + "], got " + n.intValue());
                }
                v.add(n.intValue());
            }
        }
        resolved.put(key, List.copyOf(v));
        return List.copyOf(v);
    }

    /**
     * A long (e.g. a seed), {@code dflt} when absent. A whole number beyond the long range (JSON parses it as a double)
     * is refused rather than clamped.
     */
    public long longInteger(String key, long dflt) {
        long v = dflt;
        if (has(key)) {
            Object raw = values.get(key);
            if (!(raw instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new SpecException(pathOf(key), "must be an integer, got " + show(raw));
            }
            if (!(raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte)
                    && !(n.doubleValue() >= -0x1p63 && n.doubleValue() < 0x1p63)) {
                throw new SpecException(pathOf(key), "must be an integer in [" + Long.MIN_VALUE + ", " + Long.MAX_VALUE
                        + "], got " + show(raw));
            }
            v = n.longValue();
        }
        resolved.put(key, v);
        return v;
    }

    /**
     * A finite number within bounds, {@code dflt} when absent.
     *
     * @param bounds the allowed range, e.g. {@link Range#closed}, {@link Range#open}, {@link Range#positive}
     */
    public double number(String key, double dflt, Range bounds) {
        double v = dflt;
        if (has(key)) {
            Object raw = values.get(key);
            if (!(raw instanceof Number n)) {
                throw new SpecException(pathOf(key), "must be a number, got " + show(raw));
            }
            v = n.doubleValue();
        }
        if (!Double.isFinite(v) || !bounds.contains(v)) {
            throw new SpecException(pathOf(key), "must be in " + bounds + ", got " + v);
        }
        resolved.put(key, v);
        return v;
    }

    /** A required number within bounds. */
    public double number(String key, Range bounds) {
        if (!has(key)) {
            throw new SpecException(pathOf(key), "is required (a number in " + bounds + ")");
        }
        return number(key, 0, bounds);
    }

    /** One of a fixed set of words, {@code dflt} when absent. */
    public String choice(String key, String dflt, String... allowed) {
        String v = dflt;
        if (has(key)) {
            Object raw = values.get(key);
            if (!(raw instanceof String s)) {
                throw new SpecException(pathOf(key), "must be one of " + Arrays.toString(allowed) + ", got " + show(raw));
            }
            v = s;
        }
        if (v == null) {
            throw new SpecException(pathOf(key), "is required (one of " + Arrays.toString(allowed) + ")");
        }
        if (!Arrays.asList(allowed).contains(v)) {
            throw new SpecException(pathOf(key), "must be one of " + Arrays.toString(allowed) + ", got " + show(v));
        }
        resolved.put(key, v);
        return v;
    }

    /** Free text, {@code dflt} when absent (null dflt: required). */
    public String text(String key, String dflt) {
        String v = dflt;
        if (has(key)) {
            Object raw = values.get(key);
            if (!(raw instanceof String s)) {
                throw new SpecException(pathOf(key), "must be a string, got " + show(raw));
            }
            v = s;
        }
        if (v == null) {
            throw new SpecException(pathOf(key), "is required (a string)");
        }
        resolved.put(key, v);
        return v;
    }

    public boolean flag(String key, boolean dflt) {
        boolean v = dflt;
        if (has(key)) {
            Object raw = values.get(key);
            if (!(raw instanceof Boolean b)) {
                throw new SpecException(pathOf(key), "must be true or false, got " + show(raw));
            }
            v = b;
        }
        resolved.put(key, v);
        return v;
    }

    /**
     * A field passed on unchecked to whoever validates it (a plug-in's own section); recorded as read, with
     * its raw value in {@link #resolved()}.
     */
    public Object raw(String key) {
        Object v = values.get(key);
        resolved.put(key, v);
        return v;
    }

    /** A nested object; an empty one when absent (its defaults still show in {@link #resolved()}). */
    public Spec object(String key) {
        Spec child = children.get(key);
        if (child != null) {
            return child;
        }
        Object raw = values.get(key);
        if (raw == null) {
            child = empty(pathOf(key));
        } else if (raw instanceof Map<?, ?> m) {
            child = new Spec(pathOf(key), stringKeys(m));
        } else {
            throw new SpecException(pathOf(key), "must be an object, got " + show(raw));
        }
        children.put(key, child);
        return child;
    }

    /** A list of objects; empty when absent. */
    public List<Spec> objects(String key) {
        List<Spec> list = childLists.get(key);
        if (list != null) {
            return list;
        }
        Object raw = values.get(key);
        list = new ArrayList<>();
        if (raw != null) {
            if (!(raw instanceof List<?> items)) {
                throw new SpecException(pathOf(key), "must be a list of objects, got " + show(raw));
            }
            for (int i = 0; i < items.size(); i++) {
                String p = pathOf(key) + "[" + i + "]";
                if (!(items.get(i) instanceof Map<?, ?> m)) {
                    throw new SpecException(p, "must be an object, got " + show(items.get(i)));
                }
                list.add(new Spec(p, stringKeys(m)));
            }
        }
        childLists.put(key, list);
        return list;
    }

    /**
     * Throws for the first field that no getter has read, and recursively for read children. Call after
     * reading all fields you know.
     */
    public void rejectUnknownFields() {
        for (String key : values.keySet()) {
            if (!resolved.containsKey(key) && !children.containsKey(key) && !childLists.containsKey(key)) {
                Set<String> known = new LinkedHashSet<>(resolved.keySet());
                known.addAll(children.keySet());
                known.addAll(childLists.keySet());
                throw new SpecException(pathOf(key), "is not a known field here; known fields: " + String.join(", ", known));
            }
        }
        children.values().forEach(Spec::rejectUnknownFields);
        childLists.values().forEach(l -> l.forEach(Spec::rejectUnknownFields));
    }

    /** The values read so far, defaults included, with nested objects resolved the same way. */
    public Map<String, Object> resolved() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : values.keySet()) {
            put(out, key);
        }
        for (String key : resolved.keySet()) {
            put(out, key);
        }
        for (String key : children.keySet()) {
            put(out, key);
        }
        for (String key : childLists.keySet()) {
            put(out, key);
        }
        return out;
    }

    private void put(Map<String, Object> out, String key) {
        if (out.containsKey(key)) {
            return;
        }
        if (children.containsKey(key)) {
            out.put(key, children.get(key).resolved());
        } else if (childLists.containsKey(key)) {
            List<Object> l = new ArrayList<>();
            childLists.get(key).forEach(s -> l.add(s.resolved()));
            out.put(key, l);
        } else if (resolved.containsKey(key)) {
            out.put(key, resolved.get(key));
        }
    }

    private Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static String show(Object raw) {
        if (raw instanceof String s) {
            return "\"" + s + "\"";
        }
        if (raw instanceof Map) {
            return "an object";
        }
        if (raw instanceof List) {
            return "a list";
        }
        return String.valueOf(raw);
    }
}
