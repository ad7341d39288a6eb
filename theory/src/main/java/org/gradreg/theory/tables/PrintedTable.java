package org.gradreg.theory.tables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A table as a paper prints it, transcribed cell by cell: the value with its printed number of
 * decimals (so its rounding, half a unit of the last digit, is known), the ± figure where printed, and
 * whether the cell is bold. Cells are written as printed, e.g. {@code "12.40±0.17*"} (a trailing
 * {@code *} marks bold). The numbers are the object of the ledger's consistency claims, transcribed
 * from the paper; nothing computed is stored here.
 */
public final class PrintedTable {

    /** One printed cell. */
    public record Cell(String table, String row, String column, double value, int decimals, double plusMinus, boolean bold) {

        /** Half a unit of the last printed digit. */
        public double rounding() {
            return 0.5 * Math.pow(10, -decimals);
        }

        public String where() {
            return table + " " + row + " / " + column;
        }

        public String printed() {
            String v = String.format(Locale.ROOT, "%." + decimals + "f", value);
            return Double.isNaN(plusMinus) ? v : v + "±" + String.format(Locale.ROOT, "%." + decimals + "f", plusMinus);
        }

        @Override
        public String toString() {
            return where() + " = " + printed() + (bold ? " (bold)" : "");
        }
    }

    private final String name;
    private final List<String> columns;
    private final Map<String, Map<String, Cell>> rows = new LinkedHashMap<>();

    private PrintedTable(String name, List<String> columns) {
        this.name = name;
        this.columns = List.copyOf(columns);
    }

    /** A table with these column names; rows are added with {@link #row}. */
    public static PrintedTable of(String name, String... columns) {
        return new PrintedTable(name, List.of(columns));
    }

    /** Adds a row: one printed cell per column ("-" for an empty one). */
    public PrintedTable row(String row, String... printed) {
        if (printed.length != columns.size()) {
            throw new IllegalArgumentException(name + " row " + row + ": " + printed.length + " cells for " + columns.size() + " columns");
        }
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (int i = 0; i < printed.length; i++) {
            if (!printed[i].equals("-")) {
                cells.put(columns.get(i), parse(row, columns.get(i), printed[i]));
            }
        }
        if (rows.put(row, cells) != null) {
            throw new IllegalArgumentException(name + ": row " + row + " twice");
        }
        return this;
    }

    private Cell parse(String row, String column, String text) {
        boolean bold = text.endsWith("*");
        String t = bold ? text.substring(0, text.length() - 1) : text;
        String[] parts = t.split("±");
        String v = parts[0].trim();
        int dot = v.indexOf('.');
        int decimals = dot < 0 ? 0 : v.length() - dot - 1;
        return new Cell(name, row, column, Double.parseDouble(v), decimals, parts.length > 1 ? Double.parseDouble(parts[1].trim()) : Double.NaN,
                bold);
    }

    public String name() {
        return name;
    }

    public List<String> columns() {
        return columns;
    }

    public List<String> rows() {
        return new ArrayList<>(rows.keySet());
    }

    /** The cell at (row, column); an unknown name is an error. */
    public Cell cell(String row, String column) {
        Map<String, Cell> r = rows.get(row);
        if (r == null || !r.containsKey(column)) {
            throw new IllegalArgumentException(name + " has no cell " + row + " / " + column);
        }
        return r.get(column);
    }

    public boolean has(String row, String column) {
        return rows.containsKey(row) && rows.get(row).containsKey(column);
    }

    /**
     * The range of f over every rounding of its printed inputs (each anywhere in value ± half a unit of
     * its last digit), by evaluating f at all corners: {min, max}. Exact for f monotone in each input.
     */
    public static double[] range(ToDoubleFunction<double[]> f, Cell... inputs) {
        int n = inputs.length;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double[] x = new double[n];
        for (int mask = 0; mask < 1 << n; mask++) {
            for (int i = 0; i < n; i++) {
                x[i] = inputs[i].value() + ((mask >> i & 1) == 1 ? 1 : -1) * inputs[i].rounding();
            }
            double v = f.applyAsDouble(x);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new double[] {lo, hi};
    }

    /** f at the printed values. */
    public static double at(ToDoubleFunction<double[]> f, Cell... inputs) {
        double[] x = new double[inputs.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = inputs[i].value();
        }
        return f.applyAsDouble(x);
    }
}
