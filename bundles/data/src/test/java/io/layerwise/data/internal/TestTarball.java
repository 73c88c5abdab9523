package io.layerwise.data.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Builds small gzipped ustar archives, shaped like the ones {@code npm pack} writes. */
final class TestTarball {
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    TestTarball add(String name, String content) {
        files.put(name, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Path write(Path tgz) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tgz))) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                out.write(header(f.getKey(), f.getValue().length));
                out.write(f.getValue());
                out.write(new byte[(512 - f.getValue().length % 512) % 512]);
            }
            out.write(new byte[1024]);
        }
        return tgz;
    }

    private static byte[] header(String name, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", size));
        put(h, 136, "00000000000");
        h[156] = '0';
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    /** A digit file with {@code images} images whose pixel p of image i is ((i * 7 + p + digit) % 256) / 255. */
    static String digitJson(int digit, int images) {
        StringBuilder sb = new StringBuilder("{ \"data\": [");
        for (int i = 0; i < images; i++) {
            for (int p = 0; p < 784; p++) {
                if (i > 0 || p > 0) {
                    sb.append(',');
                }
                int b = (i * 7 + p + digit) % 256;
                sb.append(Math.round(b / 255.0 * 1000) / 1000.0);
            }
        }
        return sb.append("]}").toString();
    }
}
