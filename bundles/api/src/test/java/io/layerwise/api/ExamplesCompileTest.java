package io.layerwise.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every plug-in example compiles against this API, the OSGi annotations and ND4J: each {@code <pre>{@code ...}</pre>}
 * of the API's Javadoc (which must be a whole compilation unit), and each {@code ```java} block of README.md and
 * docs/**.md that begins with {@code package }. A failure names the file and line of the example.
 */
class ExamplesCompileTest {
    /** The repository root, from the module's directory (surefire runs in bundles/api). */
    private static final Path ROOT = Path.of("").toAbsolutePath().resolve("../..").normalize();
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "public\\s+(?:(?:final|abstract|sealed)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)");

    /** Source text of one example and where it starts: file and the line of its first line. */
    record Example(String file, int line, String code) {
        String where() {
            return file + ":" + line;
        }
    }

    @Test
    void everyJavadocAndDocsExampleCompiles(@TempDir Path out) throws IOException {
        List<Example> javadoc = javadocExamples(Path.of("src/main/java"));
        // the four plug-in property types and TypedConfig carry one each; none found means the scan is broken
        assertTrue(javadoc.size() >= 5, "found only " + javadoc.size() + " Javadoc examples");
        List<String> failures = new ArrayList<>();
        for (Example e : javadoc) {
            failures.addAll(compile(List.of(e), out.resolve("javadoc")));
        }
        // a walkthrough's files are several blocks of one page that refer to each other: compiled together
        Map<String, List<Example>> pages = new LinkedHashMap<>();
        for (Example e : markdownExamples(ROOT)) {
            pages.computeIfAbsent(e.file(), f -> new ArrayList<>()).add(e);
        }
        for (List<Example> page : pages.values()) {
            failures.addAll(compile(page, out.resolve("page" + failures.size())));
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void aBrokenExampleIsReportedWithItsFileAndLine(@TempDir Path out) {
        String code = "package org.example;\n\npublic class Broken {\n    int x = undefined;\n}\n";
        List<String> failures = compile(List.of(new Example("docs/x.md", 40, code)), out);
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).startsWith("docs/x.md:43: "), failures.get(0));
    }

    @Test
    void javadocBlocksAreReadWithTheirLineAndWithoutTheStars(@TempDir Path dir) throws IOException {
        Path src = dir.resolve("org/example/A.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package org.example;\n/**\n * Text.\n * <pre>{@code\n * package org.example;\n *\n"
                + " * @Deprecated\n * public class B {\n * }\n * }</pre>\n */\npublic class A {\n}\n");
        List<Example> found = javadocExamples(dir);
        assertEquals(1, found.size());
        assertTrue(found.get(0).where().endsWith("org/example/A.java:5"), found.get(0).where());
        assertEquals("package org.example;\n\n@Deprecated\npublic class B {\n}\n", found.get(0).code());
    }

    /** Each {@code <pre>{@code ... }</pre>} block, the leading {@code " * "} of each line removed. */
    static List<Example> javadocExamples(Path sources) throws IOException {
        List<Example> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(sources)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).trim().endsWith("<pre>{@code")) {
                    continue;
                }
                StringBuilder code = new StringBuilder();
                int start = i + 2;
                for (i++; i < lines.size() && !lines.get(i).contains("}</pre>"); i++) {
                    code.append(lines.get(i).replaceFirst("^\\s*\\*( |$)", "")).append('\n');
                }
                String where = ROOT.relativize(f.toAbsolutePath().normalize()).toString();
                if (!code.toString().startsWith("package ")) {
                    fail(where + ":" + start + ": a <pre>{@code} example must be a whole compilation unit, "
                            + "beginning with package");
                }
                found.add(new Example(where, start, code.toString()));
            }
        }
        return found;
    }

    /** The {@code ```java} blocks of README.md and docs/**.md that begin with {@code package }. */
    static List<Example> markdownExamples(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.exists(root.resolve("README.md"))) {
            files.add(root.resolve("README.md"));
        }
        if (Files.isDirectory(root.resolve("docs"))) {
            try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
                s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
            }
        }
        List<Example> found = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).trim().equals("```java")) {
                    continue;
                }
                StringBuilder code = new StringBuilder();
                int start = i + 2;
                for (i++; i < lines.size() && !lines.get(i).trim().equals("```"); i++) {
                    code.append(lines.get(i)).append('\n');
                }
                if (code.toString().startsWith("package ")) {
                    found.add(new Example(root.relativize(f).toString(), start, code.toString()));
                }
            }
        }
        return found;
    }

    /**
     * Compiles examples together (one page's blocks; a Javadoc example alone, since examples may reuse class
     * names); each error as {@code file:line: message}.
     */
    static List<String> compile(List<Example> examples, Path out) {
        Map<JavaFileObject, Example> sources = new LinkedHashMap<>();
        for (Example e : examples) {
            Matcher type = PUBLIC_TYPE.matcher(e.code());
            String name = type.find() ? type.group(1) : "Example" + sources.size();
            sources.put(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return e.code();
                }
            }, e);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("--release", "17", "-proc:none", "-d", out.toString(), "-classpath",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        boolean ok = javac.getTask(null, null, diagnostics, options, null, sources.keySet()).call();
        List<String> failures = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                Example e = sources.get(d.getSource());
                failures.add(e == null ? examples.get(0).where() + ": " + d.getMessage(Locale.ROOT)
                        : e.file() + ":" + (e.line() + d.getLineNumber() - 1) + ": " + d.getMessage(Locale.ROOT));
            }
        }
        assertFalse(ok && !failures.isEmpty());
        if (!ok && failures.isEmpty()) {
            failures.add(examples.get(0).where() + ": did not compile");
        }
        return failures;
    }
}
