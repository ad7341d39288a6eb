package org.gradreg.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;

/**
 * The metrics file, {@value RunDir#METRICS}: one JSON object a line, of three types, written and
 * read only here.
 * <pre>
 *   {"type":"step","step":0,"epoch":0,"loss":…,"grad_norm":…,"lr":…,"r":…,"alpha":…,"lambda":…,
 *    …every other estimator and schedule value…,"evals":2,"psi_mean":…,"psi_var":…}
 *   {"type":"epoch","epoch":1,"step":4,"train_loss":…,"train_error":…,"test_loss":…,"test_error":…,
 *    "mean_grad_norm":…,"lr":…,"time_s":…}
 *   {"type":"diverged","step":7,"message":"…"}
 * </pre>
 * Non-finite numbers are written as the strings {@code "NaN"}, {@code "Infinity"} (Jackson's
 * default) and read back as those numbers; r, α and λ are NaN for estimators without them, and
 * ψ's moments are left out for rules without an adaptive rate. The file is append-only; each
 * checkpoint records its length.
 */
public final class Metrics {

    private Metrics() {
    }

    /** A line of the file. */
    public sealed interface Line permits Step, Epoch, Diverged, PsiProbe {

        /** Steps done when the line was written. */
        long step();
    }

    /**
     * One optimizer step.
     *
     * @param values  the estimator's and schedules' values of the step (r, α, λ, SAM's ρ, …) in the optimizer's order
     * @param psiMean mean of Adam's (RMSProp's) adaptive rate ψ = 1/(√v̂ + ε) over all parameter elements; null for other rules
     * @param psiVar  its variance over the elements; null for other rules
     */
    public record Step(long step, int epoch, double loss, double gradNorm, double lr, Map<String, Double> values, int evals, Double psiMean,
                       Double psiVar) implements Line {
    }

    /**
     * The end of an epoch: train figures over its primary passes (dropout on), test figures in evaluation mode.
     *
     * @param epoch        1-based
     * @param step         steps done at its end
     * @param meanGradNorm the mean ‖g₁‖ over its steps
     * @param lr           the learning rate of its last step
     * @param seconds      its wall time
     */
    public record Epoch(int epoch, long step, double trainLoss, double trainError, double testLoss, double testError, double meanGradNorm,
                        double lr, double seconds) implements Line {
    }

    /**
     * Var(ψ) per coordinate over several mini-batches at fixed parameters, before step {@code step}
     * ({@code measure.psiEvery}): for each coordinate i, the sample variance over the batches of the
     * ψ'ᵢ the step would use, on the coordinates whose v̂ is well above ε² (√v̂ ≥ 100ε, where ε
     * changes ψ by under 1%), summarised by quantiles over those coordinates.
     *
     * @param step           steps done (the measurement is at the parameters before step {@code step})
     * @param batches        mini-batches
     * @param coordinates    parameter elements
     * @param included       of them, those with √v̂ ≥ 100ε
     * @param medianLog10Var median over the included coordinates of log₁₀ Var(ψᵢ)
     * @param q10Log10Var    its 10% quantile
     * @param q90Log10Var    its 90% quantile
     * @param medianLog10Cv2 median of log₁₀ (Var(ψᵢ)/mean(ψᵢ)²), the scale-free spread
     */
    public record PsiProbe(long step, int batches, long coordinates, long included, double medianLog10Var, double q10Log10Var,
                           double q90Log10Var, double medianLog10Cv2) implements Line {
    }

    /** The run stopped: a non-finite or exploding loss, with the message the user saw. */
    public record Diverged(long step, String message) implements Line {
    }

    /** The fields of a step line that are not estimator or schedule values. */
    private static final Set<String> STEP_FIELDS = Set.of("type", "step", "epoch", "loss", "grad_norm", "lr", "evals", "psi_mean", "psi_var");

    /** {@code line} as one line of JSON, with its newline. */
    public static String encode(Line line) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        if (line instanceof Step s) {
            m.put("type", "step");
            m.put("step", s.step());
            m.put("epoch", s.epoch());
            m.put("loss", s.loss());
            m.put("grad_norm", s.gradNorm());
            m.put("lr", s.lr());
            m.put("r", s.values().getOrDefault("r", Double.NaN));
            m.put("alpha", s.values().getOrDefault("alpha", Double.NaN));
            m.put("lambda", s.values().getOrDefault("lambda", Double.NaN));
            s.values().forEach(m::putIfAbsent);
            m.put("evals", s.evals());
            if (s.psiMean() != null) {
                m.put("psi_mean", s.psiMean());
                m.put("psi_var", s.psiVar());
            }
        } else if (line instanceof Epoch e) {
            m.put("type", "epoch");
            m.put("epoch", e.epoch());
            m.put("step", e.step());
            m.put("train_loss", e.trainLoss());
            m.put("train_error", e.trainError());
            m.put("test_loss", e.testLoss());
            m.put("test_error", e.testError());
            m.put("mean_grad_norm", e.meanGradNorm());
            m.put("lr", e.lr());
            m.put("time_s", e.seconds());
        } else if (line instanceof PsiProbe p) {
            m.put("type", "psi_probe");
            m.put("step", p.step());
            m.put("batches", p.batches());
            m.put("coordinates", p.coordinates());
            m.put("included", p.included());
            m.put("median_log10_var", p.medianLog10Var());
            m.put("q10_log10_var", p.q10Log10Var());
            m.put("q90_log10_var", p.q90Log10Var());
            m.put("median_log10_cv2", p.medianLog10Cv2());
        } else if (line instanceof Diverged d) {
            m.put("type", "diverged");
            m.put("step", d.step());
            m.put("message", d.message());
        }
        return Json.mapper().writeValueAsString(m) + "\n";
    }

    /** The line {@code text} decoded; null for a blank line or a type this version does not know. */
    public static Line decode(String text) throws IOException {
        if (text.isBlank()) {
            return null;
        }
        JsonNode n = Json.mapper().readTree(text);
        return switch (n.path("type").asText()) {
            case "step" -> {
                Map<String, Double> values = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!STEP_FIELDS.contains(e.getKey())) {
                        values.put(e.getKey(), number(e.getValue()));
                    }
                }
                yield new Step(n.path("step").asLong(), n.path("epoch").asInt(), number(n.path("loss")), number(n.path("grad_norm")),
                        number(n.path("lr")), values, n.path("evals").asInt(), n.has("psi_mean") ? number(n.get("psi_mean")) : null,
                        n.has("psi_var") ? number(n.get("psi_var")) : null);
            }
            case "epoch" -> new Epoch(n.path("epoch").asInt(), n.path("step").asLong(), number(n.path("train_loss")),
                    number(n.path("train_error")), number(n.path("test_loss")), number(n.path("test_error")), number(n.path("mean_grad_norm")),
                    number(n.path("lr")), number(n.path("time_s")));
            case "diverged" -> new Diverged(n.path("step").asLong(), n.path("message").asText());
            case "psi_probe" -> new PsiProbe(n.path("step").asLong(), n.path("batches").asInt(), n.path("coordinates").asLong(),
                    n.path("included").asLong(), number(n.path("median_log10_var")), number(n.path("q10_log10_var")),
                    number(n.path("q90_log10_var")), number(n.path("median_log10_cv2")));
            default -> null;
        };
    }

    /** A number, or one written as a string ("NaN", "Infinity"); NaN when missing or not a number. */
    private static double number(JsonNode v) {
        return v.isNumber() || v.isTextual() ? v.asDouble(Double.NaN) : Double.NaN;
    }

    /** A line that does not parse. */
    public static final class Damaged extends IOException {

        private final int lineNumber;

        Damaged(Path file, int lineNumber, IOException cause) {
            super(file + " line " + lineNumber + " is damaged (" + BadInput.messageOf(cause) + ")", cause);
            this.lineNumber = lineNumber;
        }

        Damaged(Path file, int lineNumber, String why) {
            super(file + " line " + lineNumber + " is damaged (" + why + ")");
            this.lineNumber = lineNumber;
        }

        /** 1-based. */
        public int lineNumber() {
            return lineNumber;
        }
    }

    /** Every line of {@code file} in order (blank lines and unknown types left out); a damaged line is a {@link Damaged}. */
    public static List<Line> read(Path file) throws IOException {
        List<Line> out = new ArrayList<>();
        int n = 0;
        for (String text : Files.readAllLines(file)) {
            n++;
            Line l;
            try {
                l = decode(text);
            } catch (IOException e) {
                throw new Damaged(file, n, e);
            }
            if (l != null) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * Issue 22 item 4: checks the first {@code bytes} bytes of {@code file}, the part a checkpoint at
     * step {@code steps} covers, line by line: each line is a step or epoch line with its fields, or
     * another type {@link #decode} knows (a line of an unknown type, a step line without its loss, a
     * line cut short or garbled are damage), the step lines count 0, 1, … without a gap or repeat, each epoch line follows the
     * last step of its epoch ({@code stepsPerEpoch}), and there are exactly {@code steps} step lines.
     * A number changed into another number cannot be seen; anything else that a disk error, a
     * hand edit or a copy cut short leaves is a {@link Damaged} naming the line.
     */
    public static void checkHistory(Path file, long bytes, long steps, int stepsPerEpoch) throws IOException {
        byte[] all = Files.readAllBytes(file);
        String text = new String(all, 0, (int) Math.min(bytes, all.length), StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new Damaged(file, lines.length, "the checkpointed part ends inside a line");
        }
        long step = 0;
        int epoch = 0;
        for (int i = 0; i < lines.length - 1; i++) {
            int no = i + 1;
            JsonNode n;
            try {
                n = Json.mapper().readTree(lines[i]);
            } catch (IOException e) {
                throw new Damaged(file, no, e);
            }
            String type = n == null ? "" : n.path("type").asText();
            switch (type) {
                case "step" -> {
                    require(file, no, n, "step", "epoch", "loss", "grad_norm", "lr");
                    if (n.get("step").asLong(-1) != step || !n.get("step").isIntegralNumber()) {
                        throw new Damaged(file, no, "step " + n.get("step") + " where step " + step + " was expected");
                    }
                    if (stepsPerEpoch > 0 && n.get("epoch").asLong(-1) != step / stepsPerEpoch) {
                        throw new Damaged(file, no, "step " + step + " in epoch " + n.get("epoch") + ", not " + step / stepsPerEpoch);
                    }
                    step++;
                }
                case "epoch" -> {
                    require(file, no, n, "epoch", "step", "train_loss", "test_loss", "test_error");
                    epoch++;
                    if (n.get("epoch").asLong(-1) != epoch || n.get("step").asLong(-1) != step
                            || (stepsPerEpoch > 0 && step != (long) epoch * stepsPerEpoch)) {
                        throw new Damaged(file, no, "epoch line " + n.get("epoch") + " at step " + n.get("step") + " after " + step
                                + " steps, where epoch " + epoch + " ends at step " + (long) epoch * stepsPerEpoch);
                    }
                }
                default -> {
                    // another type this version writes (a diverged line, a measurement) passes as the decoder reads it
                    if (n == null || lines[i].isBlank() || decode(lines[i]) == null) {
                        throw new Damaged(file, no, n == null || lines[i].isBlank() ? "an empty line" : "a line of unknown type '" + type + "'");
                    }
                }
            }
        }
        if (step != steps) {
            throw new Damaged(file, lines.length - 1, "the checkpoint is at step " + steps + " but this part of the file has " + step
                    + " step lines");
        }
    }

    private static void require(Path file, int no, JsonNode n, String... fields) throws Damaged {
        for (String f : fields) {
            JsonNode v = n.get(f);
            if (v == null || !(v.isNumber() || v.isTextual() && List.of("NaN", "Infinity", "-Infinity").contains(v.asText()))) {
                throw new Damaged(file, no, "a " + n.path("type").asText() + " line without a number for '" + f + "'");
            }
        }
    }

    /**
     * The largest step any readable line of {@code file} records, 0 if none or no file. Unreadable
     * lines (a line cut by a kill) are passed over: this answers "how far did the run get", not
     * "is the file sound" ({@link #read} answers that).
     */
    public static long lastStep(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        long max = 0;
        for (String text : Files.readAllLines(file)) {
            try {
                Line l = decode(text);
                if (l != null) {
                    max = Math.max(max, l.step());
                }
            } catch (IOException e) {
                // a cut or damaged line
            }
        }
        return max;
    }

    /** Cuts {@code file} to its first {@code bytes} bytes (the length a checkpoint recorded). */
    public static void truncate(Path file, long bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(bytes);
        }
    }

    /** Appends lines to a metrics file. */
    public static final class Writer implements AutoCloseable {

        private final FileChannel channel;
        private final Path file;

        /** Opens {@code file} for appending, creating it. */
        public Writer(Path file) throws IOException {
            this(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND), file);
        }

        /** Appends through {@code channel} to {@code file} (tests: a channel that fails as a full disk does). */
        Writer(FileChannel channel, Path file) {
            this.channel = channel;
            this.file = file;
        }

        /** Appends {@code line}; a failed write (a full disk) names the file (issue 22 item 10). */
        public void append(Line line) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(encode(line).getBytes(StandardCharsets.UTF_8));
            try {
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            } catch (IOException e) {
                throw org.gradreg.common.io.AtomicFiles.naming(file, e);
            }
        }

        /** Forces what is written to the disk and returns the file's length (for a checkpoint to record). */
        public long sync() throws IOException {
            try {
                channel.force(false);
                return channel.size();
            } catch (IOException e) {
                throw org.gradreg.common.io.AtomicFiles.naming(file, e);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
