package org.gradreg.trainer.run;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.gradreg.optim.io.AtomicFiles;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training checkpoint: a zip of named arrays in ND4J's binary format ({@code Nd4j.write}) and a
 * JSON metadata entry. Written to a temporary file in the same directory and renamed over the old
 * one, so a crash leaves either the previous or the new checkpoint, never half of one.
 */
public final class Checkpoint {

    private static final String META = "meta.json";

    private Checkpoint() {
    }

    /** Atomically writes {@code arrays} and {@code meta} to {@code file}. */
    public static void write(Path file, Map<String, INDArray> arrays, String meta) throws IOException {
        write(file, null, arrays, meta);
    }

    /** The same, first renaming an existing {@code file} to {@code previous} (unless null). */
    public static void write(Path file, Path previous, Map<String, INDArray> arrays, String meta) throws IOException {
        AtomicFiles.Writer w = os -> {
            ZipOutputStream zip = new ZipOutputStream(os);
            zip.setLevel(1);
            zip.putNextEntry(new ZipEntry(META));
            zip.write(meta.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry("array/" + e.getKey()));
                DataOutputStream dos = new DataOutputStream(zip);
                Nd4j.write(e.getValue(), dos);
                dos.flush();
                zip.closeEntry();
            }
            zip.finish();
        };
        if (previous == null) {
            AtomicFiles.write(file, w);
        } else {
            AtomicFiles.writeKeepingPrevious(file, previous, w);
        }
    }

    /** A checkpoint read back: its arrays by name and its metadata JSON. */
    public record Contents(Map<String, INDArray> arrays, String meta) {
    }

    public static Contents read(Path file) throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        String meta = null;
        try (InputStream is = new BufferedInputStream(Files.newInputStream(file), 1 << 20);
             ZipInputStream zip = new ZipInputStream(is)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.getName().equals(META)) {
                    meta = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                } else if (e.getName().startsWith("array/")) {
                    byte[] bytes = zip.readAllBytes();
                    arrays.put(e.getName().substring(6), Nd4j.read(new DataInputStream(new java.io.ByteArrayInputStream(bytes))));
                }
            }
        }
        if (meta == null) {
            throw new IOException("checkpoint " + file + " has no " + META + " entry");
        }
        return new Contents(arrays, meta);
    }
}
