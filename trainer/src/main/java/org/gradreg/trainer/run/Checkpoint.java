package org.gradreg.trainer.run;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.gradreg.optim.Params;
import org.gradreg.common.io.AtomicFiles;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training checkpoint: a zip of named arrays in ND4J's binary format ({@code Nd4j.write}) and a
 * JSON metadata entry ({@link Meta}). Written to a temporary file in the same directory and
 * renamed over the old one, so a crash leaves either the previous or the new checkpoint, never
 * half of one. The layout: parameters under {@code param/}, batch-norm running statistics under
 * {@code bn/}, the optimizer's state under {@code opt/}; restoring checks every entry's presence,
 * name and shape before anything is assigned.
 */
public final class Checkpoint {

    private static final String META = "meta.json";
    private static final String PARAM = "param/";
    private static final String BN = "bn/";
    private static final String OPT = "opt/";

    /**
     * Where training stands besides the arrays.
     *
     * @param step         optimizer steps done
     * @param sums         the running sums of the current epoch
     * @param metricsBytes the length of {@value RunDir#METRICS} when the checkpoint was written
     * @param model        the model spec (for a reader of the file)
     * @param method       the method label (for a reader of the file)
     * @param device       where the model ran ({@code cpu}, {@code cuda:0}); null in checkpoints of earlier versions
     * @param masks        where the dropout masks were drawn ({@code host} or {@code device}); null likewise
     */
    public record Meta(long step, EpochSums sums, long metricsBytes, String model, String method, String device, String masks) {
    }

    private final Path file;
    private final Map<String, INDArray> arrays;
    private final String metaText;

    private Checkpoint(Path file, Map<String, INDArray> arrays, String metaText) {
        this.file = file;
        this.arrays = arrays;
        this.metaText = metaText;
    }

    /** The file it was read from. */
    public Path file() {
        return file;
    }

    /** Every array by its entry name ({@code param/…}, {@code bn/…}, {@code opt/…}). */
    public Map<String, INDArray> arrays() {
        return arrays;
    }

    /** The metadata entry as written. */
    public String metaText() {
        return metaText;
    }

    /** The metadata; damaged metadata is a {@link BadInput} naming the file. */
    public Meta meta() {
        try {
            return Json.mapper().readValue(metaText, Meta.class);
        } catch (IOException e) {
            throw new BadInput("checkpoint " + file + " has damaged metadata: " + BadInput.messageOf(e));
        }
    }

    /**
     * Atomically writes the model's parameters and batch-norm statistics, the optimizer's state and
     * {@code meta} to {@code file}, first renaming an existing {@code file} to {@code previous}.
     */
    public static void write(Path file, Path previous, Params params, Map<String, INDArray> statistics, Map<String, INDArray> optimizerState,
                             Meta meta) throws IOException {
        Map<String, INDArray> a = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : params) {
            a.put(PARAM + e.getKey(), e.getValue());
        }
        statistics.forEach((k, v) -> a.put(BN + k, v));
        optimizerState.forEach((k, v) -> a.put(OPT + k, v));
        write(file, previous, a, Json.mapper().writeValueAsString(meta));
    }

    /** Atomically writes {@code arrays} (entry names as they are) and the metadata text {@code meta} to {@code file}. */
    public static void write(Path file, Map<String, INDArray> arrays, String meta) throws IOException {
        write(file, null, arrays, meta);
    }

    private static void write(Path file, Path previous, Map<String, INDArray> arrays, String meta) throws IOException {
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

    /** Reads {@code file}; a file that is not a checkpoint is an {@link IOException}. */
    public static Checkpoint read(Path file) throws IOException {
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
        return new Checkpoint(file, arrays, meta);
    }

    /**
     * Restores parameters ({@code param/…}) and batch-norm statistics ({@code bn/…}) into the live
     * arrays, after checking that every one is present with the live array's shape and that the
     * checkpoint holds no other model entries. Optimizer entries ({@code opt/…}) are left alone.
     */
    public void restoreModel(Params params, Map<String, INDArray> statistics) {
        Map<String, INDArray> live = new LinkedHashMap<>();
        params.forEach(e -> live.put(PARAM + e.getKey(), e.getValue()));
        statistics.forEach((k, v) -> live.put(BN + k, v));
        check(live, List.of(PARAM, BN), "the model");
        for (Map.Entry<String, INDArray> e : live.entrySet()) {
            INDArray saved = arrays.get(e.getKey());
            e.getValue().assign(saved.dataType() == e.getValue().dataType() ? saved : saved.castTo(e.getValue().dataType()));
        }
    }

    /** Checks the optimizer entries ({@code opt/…}) against {@code expected} (names and shapes) and returns them without the prefix. */
    public Map<String, INDArray> optimizerState(Map<String, INDArray> expected) {
        Map<String, INDArray> live = new LinkedHashMap<>();
        expected.forEach((k, v) -> live.put(OPT + k, v));
        check(live, List.of(OPT), "the optimizer");
        Map<String, INDArray> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> {
            if (k.startsWith(OPT)) {
                out.put(k.substring(OPT.length()), v);
            }
        });
        return out;
    }

    private void check(Map<String, INDArray> live, List<String> prefixes, String what) {
        String kind = what.equals("the model") ? "model" : "optimizer";
        for (Map.Entry<String, INDArray> e : live.entrySet()) {
            INDArray s = arrays.get(e.getKey());
            if (s == null) {
                throw new BadInput("checkpoint " + file + " has no entry '" + e.getKey() + "' that " + what + " needs (a different "
                        + kind + ", or a damaged file)");
            }
            if (!Arrays.equals(s.shape(), e.getValue().shape())) {
                throw new BadInput("checkpoint " + file + ": entry '" + e.getKey() + "' has shape " + Arrays.toString(s.shape()) + ", "
                        + what + "'s is " + Arrays.toString(e.getValue().shape()));
            }
        }
        for (String k : arrays.keySet()) {
            if (!(k.startsWith(PARAM) || k.startsWith(BN) || k.startsWith(OPT))) {
                throw new BadInput("checkpoint " + file + " has an unknown entry '" + k + "'");
            }
            if (prefixes.stream().anyMatch(k::startsWith) && !live.containsKey(k)) {
                throw new BadInput("checkpoint " + file + " has an entry '" + k + "' that " + what + " does not have (a different "
                        + kind + "?)");
            }
        }
    }
}
