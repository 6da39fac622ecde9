package keyshield.experiments.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A GitHub-flavoured Markdown table, as the paper's tables are printed on stdout and committed into
 * {@code docs/results.md}. Numeric columns are right-aligned; an absent value prints as "–".
 */
public final class MarkdownTable {
    private final List<String> header;
    private final boolean[] numeric;
    private final List<List<String>> rows = new ArrayList<>();

    /** Columns named {@code header}; a name starting with '#' marks a numeric (right-aligned) column, the '#' is dropped. */
    public MarkdownTable(String... header) {
        this.header = new ArrayList<>();
        this.numeric = new boolean[header.length];
        for (int i = 0; i < header.length; i++) {
            numeric[i] = header[i].startsWith("#");
            this.header.add(numeric[i] ? header[i].substring(1) : header[i]);
        }
    }

    /** Adds a row; {@code null} cells print as "–". Doubles are formatted by the caller. */
    public MarkdownTable row(Object... cells) {
        if (cells.length != header.size())
            throw new IllegalArgumentException("table row has " + cells.length + " cells but the table has " + header.size() + " columns " + header);
        List<String> r = new ArrayList<>();
        for (Object c : cells) r.add(c == null ? "–" : c.toString());
        rows.add(r);
        return this;
    }

    /** A percentage with two decimals, or null (printed as "–") when absent. */
    public static String pct(Double v) { return v == null ? null : String.format(java.util.Locale.ROOT, "%.2f", v); }

    @Override
    public String toString() {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) width[i] = Math.max(3, header.get(i).length());
        for (List<String> r : rows) for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], r.get(i).length());
        StringBuilder sb = new StringBuilder();
        line(sb, header, width);
        sb.append('|');
        for (int i = 0; i < width.length; i++) sb.append(' ').append("-".repeat(width[i] - (numeric[i] ? 1 : 0))).append(numeric[i] ? ":" : "").append(" |");
        sb.append('\n');
        for (List<String> r : rows) line(sb, r, width);
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, int[] width) {
        sb.append('|');
        for (int i = 0; i < width.length; i++) {
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - c.length());
            sb.append(' ').append(numeric[i] ? pad + c : c + pad).append(" |");
        }
        sb.append('\n');
    }
}
