package org.gradreg.toy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.gradreg.optim.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Writes a reproduction's CSV tables and PNG figures atomically (temporary file, then rename). */
public final class Output {

    private Output() {
    }

    /** A CSV with {@code header} and {@code rows} (numbers are written with full precision). */
    public static void csv(Path file, List<String> header, List<? extends List<?>> rows) throws IOException {
        StringWriter w = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).build())) {
            for (List<?> r : rows) {
                p.printRecord(r);
            }
        }
        text(file, w.toString());
    }

    public static void text(Path file, String text) throws IOException {
        AtomicFiles.writeString(file, text);
    }

    public static void png(Path file, Chart<?, ?> chart) throws IOException {
        AtomicFiles.writeVia(file, ".png", tmp -> BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
    }
}
