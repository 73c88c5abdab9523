package io.layerwise.engine.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses pipeline files, model descriptions and histories into plain maps and writes history and model metadata.
 * Objects become {@link LinkedHashMap}s in file order, arrays {@link ArrayList}s, numbers {@link Long} when they are
 * whole and fit, else {@link Double}. A key twice in one object, at any depth, is an error naming its JSON path:
 * otherwise the last one would silently win.
 */
final class Json {
    static final Gson GSON = new GsonBuilder()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
            .serializeSpecialFloatingPointValues()
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .create();

    private Json() {
    }

    /** Reads a JSON object strictly; the message of a syntax error names the file, line and column. */
    static Map<String, Object> parseObject(String text, Path file) throws IOException {
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                throw new IOException(file + ": a pipeline must be a JSON object ({...}), found " + reader.peek());
            }
            Map<String, Object> map = object(reader, "");
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IOException(file + ": unexpected content after the JSON object " + position(reader));
            }
            return map;
        } catch (Duplicate e) {
            throw new IOException(file + ": malformed JSON: duplicate key: " + e.getMessage());
        } catch (JsonParseException | IllegalStateException | NumberFormatException | EOFException
                | MalformedJsonException e) {
            throw new IOException(file + ": malformed JSON: " + cleanMessage(e), e);
        }
    }

    static String toJson(Object value) {
        return GSON.toJson(value);
    }

    private static Map<String, Object> object(JsonReader reader, String path) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        reader.beginObject();
        while (reader.hasNext()) {
            String key = reader.nextName();
            String at = path.isEmpty() ? key : path + "." + key;
            if (map.containsKey(key)) {
                throw new Duplicate(at + " " + lineAndColumn(reader));
            }
            map.put(key, value(reader, at));
        }
        reader.endObject();
        return map;
    }

    private static Object value(JsonReader reader, String path) throws IOException {
        switch (reader.peek()) {
            case BEGIN_OBJECT:
                return object(reader, path);
            case BEGIN_ARRAY:
                List<Object> list = new ArrayList<>();
                reader.beginArray();
                while (reader.hasNext()) {
                    list.add(value(reader, path + "[" + list.size() + "]"));
                }
                reader.endArray();
                return list;
            case STRING:
                return reader.nextString();
            case NUMBER:
                return number(reader);
            case BOOLEAN:
                return reader.nextBoolean();
            case NULL:
                reader.nextNull();
                return null;
            default:
                throw new MalformedJsonException("unexpected " + reader.peek() + " " + position(reader));
        }
    }

    /** Gson's {@link ToNumberPolicy#LONG_OR_DOUBLE}: a long when the text is one, else a finite double. */
    private static Object number(JsonReader reader) throws IOException {
        String text = reader.nextString();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException notLong) {
            double d = Double.parseDouble(text);
            if (!Double.isFinite(d)) {
                throw new MalformedJsonException("JSON forbids NaN and infinities: " + text + " " + position(reader));
            }
            return d;
        }
    }

    /** A key that occurs twice in one object; the message is its JSON path and position. */
    private static final class Duplicate extends IOException {
        private static final long serialVersionUID = 1L;

        Duplicate(String message) {
            super(message);
        }
    }

    /** {@code at line L column C}, without Gson's path (the caller names the JSON path its own way). */
    private static String lineAndColumn(JsonReader reader) {
        String p = position(reader);
        int path = p.indexOf(" path ");
        return path >= 0 ? p.substring(0, path) : p;
    }

    private static String position(JsonReader reader) {
        String s = reader.toString();
        int at = s.indexOf(" at ");
        return at >= 0 ? s.substring(at + 1) : "";
    }

    /** Gson appends a troubleshooting URL to its messages; the file, line and column are what matter. */
    private static String cleanMessage(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && t.getMessage() != null
                && t.getCause().getMessage() != null && t instanceof JsonParseException) {
            t = t.getCause();
        }
        String m = String.valueOf(t.getMessage());
        int see = m.indexOf("\nSee ");
        if (see >= 0) {
            m = m.substring(0, see);
        }
        return m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON at ", "at ")
                .replace("Use JsonReader.setLenient(true) to accept malformed JSON at ", "at ");
    }
}
