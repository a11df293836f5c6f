package io.pico.shell;

import java.util.ArrayList;
import java.util.List;

/** Rows of data returned by a command; Gogo prints it through {@link #toString()} as aligned columns. */
public final class Table {

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> footer = new ArrayList<>();

    /** A table with the given column headers. */
    public Table(String... headers) {
        this.headers = List.of(headers);
    }

    /** Adds a row; values are converted with {@link String#valueOf(Object)}. */
    public Table row(Object... values) {
        List<String> row = new ArrayList<>();
        for (Object v : values) {
            row.add(String.valueOf(v));
        }
        rows.add(row);
        return this;
    }

    /** Adds a line printed under the table. */
    public Table footer(String line) {
        footer.add(line);
        return this;
    }

    /** The column headers. */
    public List<String> headers() {
        return headers;
    }

    /** The rows, as strings. */
    public List<List<String>> rows() {
        return rows;
    }

    /** The lines printed under the table. */
    public List<String> footer() {
        return footer;
    }

    @Override
    public String toString() {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = headers.get(i).length();
            for (List<String> r : rows) {
                if (i < r.size() && i < width.length - 1) {
                    width[i] = Math.max(width[i], r.get(i).length());
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, width);
        for (List<String> r : rows) {
            line(sb, r, width);
        }
        footer.forEach(f -> sb.append(f).append('\n'));
        return sb.toString().stripTrailing();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            l.append(c);
            if (i < cells.size() - 1) {
                l.append(" ".repeat(Math.max(1, width[i] - c.length() + 2)));
            }
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
