package io.layerwise.engine.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;

/** Parses pipeline files into plain maps and writes history and model metadata. */
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
            Map<String, Object> map = GSON.fromJson(reader, new TypeToken<Map<String, Object>>() { }.getType());
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IOException(file + ": unexpected content after the JSON object " + position(reader));
            }
            return map;
        } catch (JsonParseException | IllegalStateException | java.io.EOFException e) {
            throw new IOException(file + ": malformed JSON: " + cleanMessage(e), e);
        } catch (com.google.gson.stream.MalformedJsonException e) {
            throw new IOException(file + ": malformed JSON: " + cleanMessage(e), e);
        }
    }

    static String toJson(Object value) {
        return GSON.toJson(value);
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
