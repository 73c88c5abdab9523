package io.layerwise.config.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code PID.cfg.json} file: one JSON object of settings, {@code //} and {@code /* *}{@code /} comments allowed
 * (as the OSGi Configurator's JSON is). Values become what a Configuration Admin dictionary holds: whole numbers
 * {@code Long}, other numbers {@code Double}, {@code Boolean}, {@code String}; an array of one kind an array of
 * that kind; anything else its JSON text, which the component then rejects naming its key.
 */
final class JsonConfigFile {
    static final String SUFFIX = ".cfg.json";

    private JsonConfigFile() {
    }

    /** The PID a file configures: its name less {@code .cfg.json}. */
    static String pid(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - SUFFIX.length());
    }

    /** The settings of {@code file}; the exception's message names the file and, for bad JSON, the line. */
    static Map<String, Object> read(Path file) throws IOException {
        JsonElement root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(r);
        } catch (JsonParseException e) {
            String why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
            throw new IOException(file + ": not valid JSON: " + why.lines().findFirst().orElse(why));
        }
        if (!root.isJsonObject()) {
            throw new IOException(file + ": must hold one JSON object of settings, e.g. {\"key\": 1}, got "
                    + (root.isJsonNull() ? "nothing" : root));
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : ((JsonObject) root).entrySet()) {
            if (e.getValue().isJsonNull()) {
                throw new IOException(file + ": " + e.getKey() + " is null; leave the key out for its default");
            }
            settings.put(e.getKey(), value(e.getValue()));
        }
        return settings;
    }

    private static Object value(JsonElement v) {
        if (v instanceof JsonPrimitive p) {
            return scalar(p);
        }
        if (v instanceof JsonArray a && !a.isEmpty() && a.asList().stream().allMatch(JsonElement::isJsonPrimitive)) {
            Object[] items = a.asList().stream().map(e -> scalar(e.getAsJsonPrimitive())).toArray();
            Class<?> kind = items[0].getClass();
            if (java.util.Arrays.stream(items).allMatch(kind::isInstance)) {
                Object[] typed = (Object[]) java.lang.reflect.Array.newInstance(kind, items.length);
                System.arraycopy(items, 0, typed, 0, items.length);
                return typed;
            }
        }
        return v.toString();
    }

    private static Object scalar(JsonPrimitive p) {
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isString()) {
            return p.getAsString();
        }
        BigDecimal d = p.getAsBigDecimal();
        try {
            return d.longValueExact();
        } catch (ArithmeticException fractionalOrHuge) {
            return d.doubleValue();
        }
    }
}
