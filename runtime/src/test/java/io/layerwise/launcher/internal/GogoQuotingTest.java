package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GogoQuotingTest {

    @Test
    void plainWordsAndPathsStayUnquoted() {
        assertEquals("config/pipelines/mnist-dae.json", GogoQuoting.quote("config/pipelines/mnist-dae.json"));
        assertEquals("--epochs", GogoQuoting.quote("--epochs"));
        assertEquals("--out=runs/x", GogoQuoting.quote("--out=runs/x"));
    }

    @Test
    void spacesAndGogoSyntaxGoInSingleQuotes() {
        assertEquals("'my runs/a b'", GogoQuoting.quote("my runs/a b"));
        assertEquals("'$HOME'", GogoQuoting.quote("$HOME"));
        assertEquals("'a;b|c{d}'", GogoQuoting.quote("a;b|c{d}"));
        assertEquals("'~/runs'", GogoQuoting.quote("~/runs"));
        assertEquals("'='", GogoQuoting.quote("="));
        assertEquals("''", GogoQuoting.quote(""));
    }

    @Test
    void aSingleQuoteSwitchesToBackslashEscapes() {
        // checked against Gogo 1.1.6: arrives as the one argument  it's $1 "x" a\b {c}
        assertEquals("it\\'s\\ \\$1\\ \\\"x\\\"\\ a\\\\b\\ \\{c\\}", GogoQuoting.quote("it's $1 \"x\" a\\b {c}"));
    }

    @Test
    void verbAndArgumentsBecomeAScopedCommand() {
        assertEquals("layerwise:run config/p.json --out 'my runs' --epochs 3",
                GogoQuoting.command("layerwise", "run", List.of("config/p.json", "--out", "my runs", "--epochs", "3")));
    }
}
