package io.layerwise.api.config;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The settings of one PID, read from its Configuration Admin dictionary into an instance of the component's
 * property type {@code C} (an {@code @ObjectClassDefinition} annotation: its methods are the keys, their return
 * types the types, their defaults the defaults). Unlike SCR's own conversion, which turns {@code "four"} for an
 * {@code int} into an exception when the method is called, a value of the wrong type or out of its range is
 * rejected when read, with a line naming the PID and key, and the value in force before stays. A key the type
 * does not declare is reported as a warning. A framework property that did a key's job before Configuration Admin
 * ({@link #replaces}) still sets it, above the file, with a one-line note naming the file that replaces it.
 *
 * <pre>{@code
 * package org.example.lab;
 *
 * import io.layerwise.api.config.TypedConfig;
 * import java.util.Map;
 * import org.osgi.framework.BundleContext;
 * import org.osgi.service.component.annotations.Activate;
 * import org.osgi.service.component.annotations.Component;
 * import org.osgi.service.component.annotations.Modified;
 *
 * @Component(configurationPid = Queue.PID)
 * public class Queue {
 *     static final String PID = "org.example.lab.queue";
 *
 *     @interface Config {
 *         int maxConcurrentJobs() default 2;
 *
 *         int swapTimeoutSeconds() default 30;
 *     }
 *
 *     private final TypedConfig<Config> config = TypedConfig.of(PID, Config.class, System.err::println)
 *             .range("maxConcurrentJobs", 0, 1000)
 *             .replaces("swapTimeoutSeconds", "layerwise.swap.timeout.seconds");
 *     private volatile int limit;
 *
 *     @Activate
 *     @Modified
 *     void update(BundleContext context, Map<String, Object> properties) {
 *         limit = config.update(properties, context::getProperty).maxConcurrentJobs();
 *     }
 * }
 * }</pre>
 * Thread-safe: {@link #get} returns an immutable snapshot.
 */
public final class TypedConfig<C extends Annotation> {
    /** Property of a configuration dictionary: the URI of the file it was read from (as Felix File Install sets it). */
    public static final String FILE = "felix.fileinstall.filename";
    /** Keys in these namespaces are Configuration Admin's, SCR's or File Install's, not the PID's own settings. */
    private static final List<String> METADATA = List.of("component.", "service.", "felix.", "osgi.", "layerwise.",
            "objectClass");

    private final String pid;
    private final Class<C> type;
    private final Consumer<String> out;
    private final Map<String, Method> keys = new TreeMap<>();
    private final Map<String, long[]> ranges = new HashMap<>();
    private final Map<String, String> replaced = new HashMap<>();
    private final Map<String, Object> values = new TreeMap<>();
    private final Map<String, Origin> origins = new HashMap<>();
    private final Set<String> noted = new HashSet<>();
    private final Set<String> kept = new HashSet<>();
    private List<String> problems = List.of();
    private String file;
    private volatile C current;

    private TypedConfig(String pid, Class<C> type, Consumer<String> out) {
        this.pid = pid;
        this.type = type;
        this.out = out;
        for (Method m : type.getDeclaredMethods()) {
            Class<?> t = m.getReturnType();
            if (t != int.class && t != long.class && t != boolean.class && t != String.class && t != double.class) {
                throw new IllegalArgumentException(type.getName() + "." + m.getName() + ": type " + t + " is not supported");
            }
            keys.put(m.getName(), m);
            values.put(m.getName(), m.getDefaultValue());
            origins.put(m.getName(), Origin.DEFAULT);
        }
        current = proxy(Map.copyOf(values));
    }

    /** {@code out} receives each note and problem as one line, e.g. to print it. */
    public static <C extends Annotation> TypedConfig<C> of(String pid, Class<C> type, Consumer<String> out) {
        return new TypedConfig<>(pid, type, out);
    }

    /** A whole-number key must lie in [min, max]. */
    public TypedConfig<C> range(String key, long min, long max) {
        known(key);
        ranges.put(key, new long[] {min, max});
        return this;
    }

    /** The framework property that set {@code key} before; it still does, for one release, with a note. */
    public TypedConfig<C> replaces(String key, String frameworkProperty) {
        known(key);
        replaced.put(key, frameworkProperty);
        return this;
    }

    /**
     * A framework property that sets {@code key} above the file, as {@link #replaces} does, but is no old way to be
     * dropped: the launcher's channel for an environment variable ({@code LAYERWISE_DATA}). No note.
     */
    public TypedConfig<C> overrides(String key, String frameworkProperty) {
        replaces(key, frameworkProperty);
        kept.add(key);
        return this;
    }

    /** The PID, as in the file name {@code PID.cfg.json}. */
    public String pid() {
        return pid;
    }

    /** The settings in force. */
    public C get() {
        return current;
    }

    /**
     * Reads {@code configuration} (the component's properties; without the PID's keys when it has no configuration)
     * and the replaced framework properties; returns the settings in force afterwards.
     */
    public synchronized C update(Map<String, ?> configuration, Function<String, String> frameworkProperties) {
        file = fileOf(configuration.get(FILE));
        String where = file == null ? "" : " (in " + file + ")";
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, Method> k : keys.entrySet()) {
            String key = k.getKey();
            Class<?> t = k.getValue().getReturnType();
            if (configuration.containsKey(key)) {
                try {
                    values.put(key, convert(key, t, configuration.get(key)));
                    origins.put(key, Origin.FILE);
                } catch (IllegalArgumentException e) {
                    found.add(pid + ": " + key + " " + e.getMessage() + where + "; keeping " + values.get(key));
                }
            } else {
                values.put(key, k.getValue().getDefaultValue());
                origins.put(key, Origin.DEFAULT);
            }
            String property = replaced.get(key);
            String set = property == null ? null : frameworkProperties.apply(property);
            if (set != null && !set.isBlank()) {
                try {
                    values.put(key, convert(key, t, set.trim()));
                    origins.put(key, Origin.FRAMEWORK_PROPERTY);
                    if (!kept.contains(key) && noted.add(key)) {
                        out.accept(pid + ": framework property " + property + " sets " + key + " for this release only;"
                                + " set " + key + " in " + pid + ".cfg.json instead");
                    }
                } catch (IllegalArgumentException e) {
                    found.add(pid + ": framework property " + property + " (" + key + ") " + e.getMessage() + "; ignored");
                }
            }
        }
        for (String key : configuration.keySet()) {
            if (!keys.containsKey(key) && replaced.containsValue(key)) {
                found.add(pid + ": warning: " + key + where + " is a framework property, not a key of " + pid
                        + "; ignored (the key is " + keyReplacing(key) + ")");
            } else if (!keys.containsKey(key) && METADATA.stream().noneMatch(key::startsWith)) {
                found.add(pid + ": warning: unknown key " + key + where + ", ignored; known keys: "
                        + String.join(", ", keys.keySet()));
            }
        }
        problems = List.copyOf(found);
        found.forEach(out);
        current = proxy(Map.copyOf(values));
        return current;
    }

    /** What is in force, where each value came from, and the problems of the last {@link #update}. */
    public synchronized Settings settings() {
        List<Setting> list = new ArrayList<>();
        values.forEach((key, value) -> list.add(new Setting(key, String.valueOf(value), origins.get(key),
                origins.get(key) == Origin.FRAMEWORK_PROPERTY ? replaced.get(key) : null)));
        return new Settings(pid, file, list, problems);
    }

    private String keyReplacing(String property) {
        return replaced.entrySet().stream().filter(e -> e.getValue().equals(property)).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    private void known(String key) {
        if (!keys.containsKey(key)) {
            throw new IllegalArgumentException(type.getName() + " has no key " + key);
        }
    }

    /** The value as {@code t}; the message of the exception says what was wanted and what came. */
    private Object convert(String key, Class<?> t, Object raw) {
        if (t == String.class) {
            if (raw instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException("must be text, got " + shown(raw));
        }
        if (t == boolean.class) {
            if (raw instanceof Boolean b) {
                return b;
            }
            if (raw instanceof String s && (s.trim().equalsIgnoreCase("true") || s.trim().equalsIgnoreCase("false"))) {
                return Boolean.valueOf(s.trim());
            }
            throw new IllegalArgumentException("must be true or false, got " + shown(raw));
        }
        if (t == double.class) {
            double d;
            try {
                d = raw instanceof Number n ? n.doubleValue() : raw instanceof String s ? Double.parseDouble(s.trim()) : Double.NaN;
            } catch (NumberFormatException e) {
                d = Double.NaN;
            }
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("must be a finite number, got " + shown(raw));
            }
            return d;
        }
        long[] range = ranges.getOrDefault(key, t == int.class ? new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE}
                : new long[] {Long.MIN_VALUE, Long.MAX_VALUE});
        String wanted = "must be a whole number from " + range[0] + " to " + range[1];
        long v;
        if (raw instanceof Number n && !(raw instanceof Double || raw instanceof Float)) {
            v = n.longValue();
        } else if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 0x1p53) {
            v = n.longValue();
        } else if (raw instanceof String s) {
            try {
                v = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(wanted + ", got " + shown(raw));
            }
        } else {
            throw new IllegalArgumentException(wanted + ", got " + shown(raw));
        }
        if (v < range[0] || v > range[1]) {
            throw new IllegalArgumentException(wanted + ", got " + v);
        }
        if (t == int.class) {
            return Integer.valueOf((int) v); // not in a ?: with a Long, which would make it a Long again
        }
        return Long.valueOf(v);
    }

    private static String shown(Object raw) {
        if (raw instanceof String s) {
            return "\"" + s + "\"";
        }
        if (raw != null && raw.getClass().isArray()) {
            return raw instanceof Object[] a ? Arrays.toString(a) : "an array";
        }
        return String.valueOf(raw);
    }

    /** The path in the URI that File Install (or the JSON installer) recorded; null when there is none. */
    static String fileOf(Object uri) {
        if (!(uri instanceof String s) || s.isBlank()) {
            return null;
        }
        try {
            return s.startsWith("file:") ? Path.of(URI.create(s)).toString() : s;
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private C proxy(Map<String, Object> snapshot) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) ->
                switch (m.getName()) {
                    case "annotationType" -> type;
                    case "toString" -> pid + snapshot;
                    case "hashCode" -> snapshot.hashCode();
                    case "equals" -> p == args[0];
                    default -> snapshot.get(m.getName());
                }));
    }
}
