package io.layerwise.launcher.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code conf/config.properties}, replacing {@code ${name}} from a lookup. */
public final class DistProperties {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private DistProperties() {
    }

    public static Map<String, String> load(Path file, UnaryOperator<String> lookup) throws IOException {
        Map<String, String> result = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return result;
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        for (String key : props.stringPropertyNames()) {
            result.put(key, substitute(props.getProperty(key), lookup));
        }
        return result;
    }

    /** Unknown names stay as written, so a typo shows up in the value rather than vanishing. */
    static String substitute(String value, UnaryOperator<String> lookup) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = lookup.apply(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement != null ? replacement : m.group()));
        }
        return m.appendTail(out).toString();
    }
}
