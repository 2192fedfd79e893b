package io.seqguard.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table with a header row and columns as wide as their widest cell; text columns
 * are left-aligned, columns marked numeric are right-aligned. Cells longer than
 * {@link #MAX_CELL} are shortened with an ellipsis so one long node name cannot break the layout.
 * Widths are counted in terminal columns: an East Asian wide character ({@code 東京-PC01}) takes
 * two, a combining mark none.
 *
 * <p>Not thread safe.
 */
final class Table {
    static final int MAX_CELL = 60;

    private final String[] headers;
    private final boolean[] numeric;
    private final List<String[]> rows = new ArrayList<>();

    /** @param headers column titles; a title ending in {@code '>'} marks a right-aligned column (the marker is not shown) */
    Table(String... headers) {
        this.headers = new String[headers.length];
        this.numeric = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            numeric[i] = headers[i].endsWith(">");
            this.headers[i] = numeric[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i];
        }
    }

    Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("expected " + headers.length + " cells, got " + cells.length);
        }
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i] == null ? "-" : cells[i].toString();
            text[i] = cell.length() > MAX_CELL ? cell.substring(0, MAX_CELL - 1) + "\u2026" : cell;
        }
        rows.add(text);
        return this;
    }

    int size() {
        return rows.size();
    }

    void print(PrintWriter out) {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = columns(headers[i]);
        }
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], columns(row[i]));
            }
        }
        line(out, headers, widths);
        String[] rule = new String[headers.length];
        for (int i = 0; i < rule.length; i++) {
            char[] dashes = new char[widths[i]];
            Arrays.fill(dashes, '-');
            rule[i] = new String(dashes);
        }
        line(out, rule, widths);
        for (String[] row : rows) {
            line(out, row, widths);
        }
    }

    /** The terminal columns {@code text} takes: two for East Asian wide characters, none for combining marks, else one. */
    static int columns(String text) {
        return text.codePoints().map(Table::columnsOf).sum();
    }

    private static int columnsOf(int codePoint) {
        int type = Character.getType(codePoint);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT) {
            return 0;
        }
        if (codePoint >= 0xFF61 && codePoint <= 0xFFDC) {
            return 1; // the halfwidth forms, katakana and hangul among them
        }
        Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
        boolean wideScript = script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
        // Fullwidth forms, CJK punctuation and most emoji take two columns as well.
        boolean wideBlock = (codePoint >= 0x3000 && codePoint <= 0x303F) || (codePoint >= 0xFF01 && codePoint <= 0xFF60)
                || (codePoint >= 0xFFE0 && codePoint <= 0xFFE6) || (codePoint >= 0x1F300 && codePoint <= 0x1FAFF);
        return wideScript || wideBlock ? 2 : 1;
    }

    private void line(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append("  ");
            }
            String padding = " ".repeat(widths[i] - columns(cells[i]));
            line.append(numeric[i] ? padding + cells[i] : cells[i] + (i == cells.length - 1 ? "" : padding));
        }
        out.println(line);
    }
}
