package io.layerwise.shell.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** An aligned text table in the style of Karaf's listings: a header, then rows; numeric columns right-aligned. */
final class Table {
    private final String[] header;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        this.header = header;
        this.rightAligned = new boolean[header.length];
    }

    Table rightAlign(int column) {
        rightAligned[column] = true;
        return this;
    }

    Table row(Object... cells) {
        String[] r = new String[header.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(r);
        return this;
    }

    void print(PrintStream out) {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        out.println(line(header, width));
        for (String[] r : rows) {
            out.println(line(r, width));
        }
    }

    private String line(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(" | ");
            }
            String pad = " ".repeat(width[i] - cells[i].length());
            boolean last = i == cells.length - 1;
            sb.append(rightAligned[i] ? pad + cells[i] : last ? cells[i] : cells[i] + pad);
        }
        return sb.toString();
    }
}
