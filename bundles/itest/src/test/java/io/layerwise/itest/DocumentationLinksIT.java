package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md and docs/**&#47;*.md resolves: the file or folder exists, and a {@code #anchor}
 * names a heading of the target as GitHub renders it. Links inside code (fenced blocks, inline spans) are text, and
 * links with a scheme (https:, mailto:) are not checked.
 */
class DocumentationLinksIT {
    /** The checkout's root: surefire runs in bundles/itest. */
    static final Path ROOT = Path.of(System.getProperty("layerwise.checkout", "../..")).toAbsolutePath().normalize();

    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    /** A link as written, where: {@code docs/x.md:12: (y.md#z)}. */
    record Link(Path file, int line, String target) {
        @Override
        public String toString() {
            return ROOT.relativize(file) + ":" + line + ": (" + target + ")";
        }
    }

    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> s = Files.walk(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p)).sorted().forEach(docs::add);
        }
        return docs;
    }

    /** The lines outside fenced code blocks, with inline code spans blanked; null for lines inside a fence. */
    static List<String> prose(List<String> lines) {
        List<String> out = new ArrayList<>();
        String fence = null;
        for (String line : lines) {
            String t = line.stripLeading();
            if (fence == null && (t.startsWith("```") || t.startsWith("~~~"))) {
                fence = t.substring(0, 3);
                out.add(null);
            } else if (fence != null) {
                if (t.startsWith(fence)) {
                    fence = null;
                }
                out.add(null);
            } else {
                out.add(CODE_SPAN.matcher(line).replaceAll(""));
            }
        }
        return out;
    }

    static List<Link> links(Path file) throws IOException {
        List<String> lines = prose(Files.readAllLines(file));
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i) == null) {
                continue;
            }
            Matcher m = LINK.matcher(lines.get(i));
            while (m.find()) {
                links.add(new Link(file, i + 1, m.group(1)));
            }
        }
        return links;
    }

    /**
     * GitHub's heading ids: lower case, everything but letters, digits, spaces, '-' and '_' dropped, spaces to '-';
     * a repeated id gets -1, -2, ... Inline code and emphasis markers go, the text of a link stays.
     */
    static Set<String> anchors(Path file) throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> raw = Files.readAllLines(file);
        List<String> prose = prose(raw);
        for (int i = 0; i < raw.size(); i++) {
            if (prose.get(i) == null) {
                continue;
            }
            Matcher h = HEADING.matcher(raw.get(i));
            if (!h.matches()) {
                continue;
            }
            String text = h.group(2).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
            String id = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(id, 1, Integer::sum);
            ids.add(n == 1 ? id : id + "-" + (n - 1));
        }
        return ids;
    }

    /** Why a link does not resolve, or null when it does. */
    static String problem(Link link) throws IOException {
        String target = link.target();
        if (SCHEME.matcher(target).find()) {
            return null;
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = path.isEmpty() ? link.file() : link.file().getParent().resolve(path).normalize();
        if (!Files.exists(resolved)) {
            return "no file " + ROOT.relativize(resolved);
        }
        if (anchor == null) {
            return null;
        }
        if (!resolved.toString().endsWith(".md") || Files.isDirectory(resolved)) {
            return "#" + anchor + " points into " + ROOT.relativize(resolved) + ", which is no Markdown file";
        }
        Set<String> ids = anchors(resolved);
        return ids.contains(anchor) ? null
                : "no heading #" + anchor + " in " + ROOT.relativize(resolved) + "; its headings: " + ids;
    }

    @Test
    void everyRelativeLinkOfTheReadmeAndDocsResolvesToAFileAndHeading() throws IOException {
        List<Path> docs = documents();
        assertTrue(docs.size() > 5, "README.md and docs/*.md under " + ROOT + ": " + docs);
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path doc : docs) {
            for (Link link : links(doc)) {
                checked++;
                String problem = problem(link);
                if (problem != null) {
                    broken.add(link + " " + problem);
                }
            }
        }
        assertTrue(checked > 50, "only " + checked + " links found: is the parser right?");
        assertEquals(List.of(), broken, broken.size() + " broken links");
    }

    @Test
    void anchorsFollowGithubsRules() throws IOException {
        Path f = Files.createTempFile("anchors", ".md");
        try {
            Files.writeString(f, """
                    # Training: validation, early stopping, progress
                    ## C1 only (`runtime/layerwise`, `-XX:TieredStopAtLevel=1`)
                    ```
                    # not a heading
                    ```
                    ## 2. The project
                    ## Notes
                    ### Notes
                    """);
            assertEquals(List.of("training-validation-early-stopping-progress",
                    "c1-only-runtimelayerwise--xxtieredstopatlevel1", "2-the-project", "notes", "notes-1"),
                    List.copyOf(anchors(f)));
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void brokenLinksAreFoundAndLinksInCodeAreNot() throws IOException {
        Path dir = Files.createTempDirectory("links");
        try {
            Path f = dir.resolve("a.md");
            Files.writeString(f, """
                    # Title
                    [ok](a.md#title) [self](#title) [web](https://example.org/x.md) `[code](nowhere.md)`
                    [missing](b.md) ![picture](gone.png) [bad anchor](a.md#nothing)
                    ```
                    [in a fence](nowhere.md)
                    ```
                    """);
            List<String> problems = new ArrayList<>();
            for (Link l : links(f)) {
                String p = problem(l);
                if (p != null) {
                    problems.add(l.target());
                }
            }
            assertEquals(List.of("b.md", "gone.png", "a.md#nothing"), problems);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
