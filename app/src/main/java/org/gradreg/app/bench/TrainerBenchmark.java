package org.gradreg.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.gradreg.optim.Evaluation;
import org.gradreg.optim.Optim;
import org.gradreg.optim.Optimizer;
import org.gradreg.optim.Oracle;
import org.gradreg.optim.Params;
import org.gradreg.optim.Pass;
import org.gradreg.optim.estimator.GradientEstimator;
import org.gradreg.trainer.compute.Backend;
import org.gradreg.trainer.compute.Backends;
import org.gradreg.trainer.compute.Device;
import org.gradreg.trainer.compute.TransferProfile;
import org.gradreg.trainer.data.Batch;
import org.gradreg.trainer.data.Batches;
import org.gradreg.trainer.data.Dataset;
import org.gradreg.trainer.data.SyntheticCifar;
import org.gradreg.trainer.loop.ModelOracle;
import org.gradreg.trainer.nn.Engine;
import org.gradreg.trainer.model.Engines;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainer benchmark: one training step (AdamW, FLOAT, a batch of 3×32×32 images; 1×28×28 for
 * the Fashion-MNIST CNN) with plain,
 * SAM, GR and GNR gradients, timed in interleaved rounds (median), the optimizer's own share of the
 * plain step (step time minus the time inside the model's evaluations), the process's peak resident
 * memory per model (Linux VmHWM, reset between models), and — with a PyTorch script — the same
 * steps in PyTorch measured before and after gradreg in the same run, so that the ratio holds
 * whatever else the machine is doing.
 */
public final class TrainerBenchmark {

    private static final List<String> KINDS = List.of("plain", "sam", "gr", "gnr");

    private TrainerBenchmark() {
    }

    /** Threads of both sides (0: every core), set by {@link #threads(int)}. */
    private static int threads;

    /** Caps gradreg's threads ({@code Trainer.threads}) and gives PyTorch the same number (0: every core, both sides). */
    public static void threads(int n) {
        threads = Math.max(0, n);
        org.gradreg.trainer.loop.Trainer.threads(n);
    }

    /**
     * The input a model is benchmarked on: channels and side. The small CNN of the Fashion-MNIST
     * experiments gets Fashion-MNIST's 1×28×28; the others CIFAR's 3×32×32.
     */
    static int[] inputShape(String model) {
        return model.toLowerCase(Locale.ROOT).startsWith("cnn-small") ? new int[] {1, 28} : new int[] {3, 32};
    }

    /** The batch's images cut to their first {@code channels} channels (the synthetic set has three). */
    static Batch inputs(Batch b, int channels) {
        if (channels == b.channels()) {
            return b;
        }
        int plane = b.height() * b.width();
        float[] x = new float[b.size() * channels * plane];
        for (int i = 0; i < b.size(); i++) {
            System.arraycopy(b.images(), i * b.channels() * plane, x, i * channels * plane, channels * plane);
        }
        return new Batch(x, b.labels(), b.size(), channels, b.height(), b.width());
    }

    /**
     * One model's gradreg figures: median step seconds by kind (batch preparation, dropout masks,
     * evaluations and the optimizer), the share of the plain step spent outside the model's
     * evaluations (the optimizer, masks, inputs), and the peak resident bytes.
     */
    record Figures(String model, int batch, long parameters, Map<String, Double> seconds, double bookkeeping, double optimizer, long peakBytes,
                   Map<String, Double> torchSeconds, double pairedPlainRatio, long torchPeakBytes, Device device, double transferShare,
                   long transferBytes, long deviceBytes, long torchDeviceBytes) {
    }

    /** PyTorch's threads: gradreg's (ND4J's master threads, capped by {@code --threads}), one per core by default. */
    static int torchThreads() {
        int n = org.nd4j.linalg.factory.Nd4j.getEnvironment().maxMasterThreads();
        return n > 0 ? Math.min(n, Runtime.getRuntime().availableProcessors()) : Runtime.getRuntime().availableProcessors();
    }

    /** The Python that runs the PyTorch script: $GRADREG_PYTHON, else Debian's /usr/bin/python3, else python3 on the PATH. */
    static String python() {
        String p = System.getenv("GRADREG_PYTHON");
        if (p != null && !p.isBlank()) {
            return p;
        }
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /**
     * The PyTorch script in {@code --serve} mode: one process per model and batch, asked for one step
     * at a time, so that gradreg's and PyTorch's steps alternate and see the same machine.
     */
    static final class TorchPeer implements AutoCloseable {
        private final Process p;
        private final java.io.BufferedReader in;
        private final java.io.Writer out;
        private final ObjectMapper json = new ObjectMapper();
        long peak = -1;
        long devicePeak = -1;

        TorchPeer(Path script, String model, int batch, Device device) throws IOException {
            List<String> cmd = List.of(python(), script.toString(), "--model", model, "--batch", String.valueOf(batch), "--threads",
                    String.valueOf(threads > 0 ? threads : torchThreads()), "--device", device.isCpu() ? "cpu" : "cuda", "--serve");
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            out = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            String ready = in.readLine();
            if (ready == null || !json.readTree(ready).path("ready").asBoolean()) {
                close();
                throw new IOException("the PyTorch script did not start (" + String.join(" ", cmd) + ")");
            }
        }

        /** One PyTorch step of this kind; its seconds. */
        double step(String kind) throws IOException {
            out.write(kind + "\n");
            out.flush();
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the PyTorch script ended");
            }
            JsonNode n = json.readTree(line);
            peak = Math.max(peak, n.path("peak_rss_bytes").asLong(-1));
            devicePeak = Math.max(devicePeak, n.path("peak_device_bytes").asLong(-1));
            return n.get("s").asDouble();
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                // already gone
            }
            try {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** An oracle that times the model's evaluations (the rest of a step is the optimizer's own work). */
    private static final class Timed implements Oracle {
        final Oracle o;
        long nanos;

        Timed(Oracle o) {
            this.o = o;
        }

        @Override
        public Params params() {
            return o.params();
        }

        @Override
        public Evaluation evaluate(Pass pass) {
            long t0 = System.nanoTime();
            try {
                return o.evaluate(pass);
            } finally {
                nanos += System.nanoTime() - t0;
            }
        }
    }

    static Figures measure(String model, int batchSize, int repeats, List<String> kinds, Path torchScript, Device device,
                           Consumer<String> progress) {
        resetPeak();
        int[] shape = inputShape(model);
        Batch batch = inputs(Batches.training(SyntheticCifar.generate(batchSize, 8, 10, shape[1], 3).train(), batchSize, false, 1).get(0, 0),
                shape[0]);
        long freeBefore = -1;
        if (!device.isCpu()) {
            try (Backend probe = Backends.open(device, DataType.FLOAT)) {
                freeBefore = probe.memory().availableBytes();
            }
        }
        Engine net = Engines.build(model, shape[0], shape[1], 10, DataType.FLOAT, 1, device);
        ModelOracle oracle = new ModelOracle(net);
        Timed timed = new Timed(oracle);
        Map<String, Optimizer> opts = new LinkedHashMap<>();
        Map<String, List<Double>> times = new LinkedHashMap<>();
        Map<String, List<Double>> torchTimes = new LinkedHashMap<>();
        List<Double> shares = new ArrayList<>();
        List<Double> optimizerShares = new ArrayList<>();
        List<Double> paired = new ArrayList<>();
        for (String k : kinds) {
            GradientEstimator e = switch (k) {
                case "plain" -> Optim.plain();
                case "sam" -> Optim.sam(0.05);
                case "gr" -> Optim.gr(0.05, 0.8);
                case "gnr" -> Optim.gnr(0.1, 0.1);
                default -> throw new IllegalArgumentException("unknown step kind '" + k + "'; known: " + String.join(", ", KINDS));
            };
            opts.put(k, Optim.optimizer(Optim.adamW(1e-4, 0.03)).estimator(e));
            times.put(k, new ArrayList<>());
            torchTimes.put(k, new ArrayList<>());
        }
        TorchPeer torch = null;
        if (torchScript != null && TORCH_MODELS.contains(model)) {
            try {
                torch = new TorchPeer(torchScript, model, batchSize, device);
            } catch (IOException e) {
                progress.accept("pytorch: " + e.getMessage() + "; no PyTorch column for " + model);
            }
        }
        long step = 0;
        try {
            // interleaved rounds (one step of each kind per round, each gradreg step followed by the
            // same PyTorch step), so that drifts of a shared machine hit every kind and both sides alike;
            // round 0 warms up
            for (int round = 0; round <= repeats; round++) {
                progress.accept(model + " batch " + batchSize + ": round " + (round + 1) + " of " + (repeats + 1));
                for (Map.Entry<String, Optimizer> e : opts.entrySet()) {
                    timed.nanos = 0;
                    long t0 = System.nanoTime();
                    oracle.setBatch(batch, 0, step++); // part of the step: inputs, targets, dropout masks
                    long prepared = System.nanoTime();
                    e.getValue().step(timed);
                    long dt = System.nanoTime() - t0;
                    double ts = torch == null ? Double.NaN : torch.step(e.getKey());
                    if (round >= 1) {
                        times.get(e.getKey()).add(dt / 1e9);
                        torchTimes.get(e.getKey()).add(ts);
                        if (e.getKey().equals("plain")) {
                            shares.add((dt - timed.nanos) / (double) dt);
                            optimizerShares.add((dt - (prepared - t0) - timed.nanos) / (double) dt);
                            paired.add(dt / 1e9 / ts);
                        }
                    }
                }
            }
        } catch (IOException e) {
            progress.accept("pytorch: " + e.getMessage() + "; no PyTorch column for " + model);
            torch.close();
            torch = null;
        } finally {
            if (torch != null) {
                torch.close();
            }
        }
        // the share of a plain step spent copying between host and device, in one more step timed with a
        // synchronisation around each copy (the timed rounds above run without them)
        double transferShare = Double.NaN;
        long transferBytes = 0;
        long deviceBytes = -1;
        if (net.backend() instanceof TransferProfile tp && opts.containsKey("plain")) {
            oracle.setBatch(batch, 0, step++);
            tp.resetCounters();
            tp.profile(true);
            long t0 = System.nanoTime();
            opts.get("plain").step(oracle);
            long dt = System.nanoTime() - t0;
            tp.profile(false);
            transferShare = tp.transferNanos() / (double) dt;
            transferBytes = tp.bytesToDevice() + tp.bytesToHost();
            deviceBytes = freeBefore - net.backend().memory().availableBytes();
        }
        net.close();
        long peak = peakBytes();
        Map<String, Double> seconds = new LinkedHashMap<>();
        times.forEach((k, v) -> seconds.put(k, median(v)));
        Map<String, Double> torchSeconds = new LinkedHashMap<>();
        if (torch != null) {
            torchTimes.forEach((k, v) -> torchSeconds.put(k, median(v)));
        }
        return new Figures(model, batchSize, net.parameterCount(), seconds, shares.isEmpty() ? Double.NaN : median(shares),
                optimizerShares.isEmpty() ? Double.NaN : median(optimizerShares), peak,
                torchSeconds, torch == null || paired.isEmpty() ? Double.NaN : median(paired), torch == null ? -1 : torch.peak, device,
                transferShare, transferBytes, deviceBytes, torch == null ? -1 : torch.devicePeak);
    }

    /** The models the PyTorch script defines. */
    static final List<String> TORCH_MODELS = List.of("vit-ti", "resnet18", "cnn-small");

    static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    /** Resets the kernel's peak-resident-memory mark of this process (Linux: 5 → /proc/self/clear_refs). */
    static void resetPeak() {
        System.gc();
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or not allowed: the peak then covers the whole process
        }
    }

    /** Peak resident bytes since the last reset (VmHWM), or −1 if unknown. */
    static long peakBytes() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** OpenBLAS's AVX-512 kernels (its OPENBLAS_CORETYPE names). */
    private static final java.util.Set<String> AVX512_KERNELS = java.util.Set.of("skylakex", "cooperlake", "sapphirerapids");

    /**
     * A note for the report's first line when OPENBLAS_CORETYPE names a kernel without AVX-512 on a
     * CPU that has it: gradreg's GEMMs then run slower than the CPU allows (ResNet-18 at one thread
     * 2.0-2.1 s a step under Haswell against 1.5 s under SkylakeX on the project's Zen 4 machine,
     * docs/trainer-benchmark.md) while PyTorch's convolutions (oneDNN) do not read the variable, so
     * the paired ratio is not a like-for-like one. Empty otherwise.
     */
    static String kernelNote(String coretype, boolean avx512) {
        if (coretype == null || coretype.isBlank() || !avx512 || AVX512_KERNELS.contains(coretype.trim().toLowerCase(Locale.ROOT))) {
            return "";
        }
        return " (a kernel without AVX-512 on an AVX-512 CPU: gradreg's GEMMs run below the CPU's speed, PyTorch's convolutions"
                + " ignore the variable; unset it for like-for-like ratios)";
    }

    /** Whether /proc/cpuinfo lists avx512f (false where it cannot be read). */
    static boolean cpuHasAvx512() {
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("flags")).findFirst().map(l -> java.util.Arrays.asList(l.split("\\s+")).contains("avx512f"))
                    .orElse(false);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /** Runs the benchmark (each model at each batch size) and returns its Markdown report. */
    public static String run(String[] models, int[] batches, List<String> kinds, int repeats, Path torchScript, Consumer<String> progress) {
        return run(models, batches, kinds, repeats, torchScript, Device.CPU, progress, md -> { });
    }

    /** As {@link #run}, handing the report so far to {@code partial} after every row (so a long run loses nothing). */
    static String run(String[] models, int[] batches, List<String> kinds, int repeats, Path torchScript, Device device,
                      Consumer<String> progress, Consumer<String> partial) {
        StringBuilder md = new StringBuilder();
        String where = device.isCpu() ? "ND4J backend " + Nd4j.getBackend().getClass().getSimpleName()
                : "model on " + describe(device) + ", optimizer on the host (ND4J " + Nd4j.getBackend().getClass().getSimpleName() + ")";
        md.append(String.format(Locale.ROOT, "FLOAT, AdamW, 3×32×32 inputs (cnn-small: 1×28×28); %d cores; %s; OMP_WAIT_POLICY=%s; "
                        + "OPENBLAS_CORETYPE=%s; 3×3 convolutions: %s (--conv); median of %d interleaved rounds after 1 warm-up round.%s%n%n",
                Runtime.getRuntime().availableProcessors(), where,
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"),
                System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)") + kernelNote(System.getenv("OPENBLAS_CORETYPE"), cpuHasAvx512()),
                device.isCpu() ? System.getProperty("gradreg.conv", "im2col") : "as the GPU backend computes them (the CPU's --conv does not apply)", repeats,
                torchScript == null ? "" : " PyTorch: the companion script in a second process, asked for the same step right after "
                        + "each gradreg step (same threads" + (device.isCpu() ? ", its OpenBLAS pool capped to them too: bench/torch_blas_threads.py"
                        : ", same GPU") + "); gradreg / PyTorch is the median of "
                        + "these paired ratios of plain steps."));
        if (device.isCpu()) {
            md.append("| model | batch | parameters | plain step (s) | SAM / plain | GR / plain | GNR / plain | outside the model | peak RSS "
                    + "| PyTorch plain (s) | gradreg / PyTorch | PyTorch SAM, GR, GNR / plain | PyTorch peak RSS |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        } else {
            md.append("| model | batch | parameters | plain step (ms) | SAM / plain | GR / plain | GNR / plain | outside the model "
                    + "| host↔GPU copies | GPU memory | PyTorch plain (ms) | gradreg / PyTorch | PyTorch SAM, GR, GNR / plain | PyTorch GPU peak |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        }
        for (String model : models) {
            for (int b : batches) {
                Figures f = measure(model, b, repeats, kinds, torchScript, device, progress);
                md.append(row(f));
                partial.accept(md.toString());
            }
        }
        return md.toString();
    }

    /** Trains {@code steps} plain steps and records the resident memory every {@code every} steps (CSV + PNG). */
    public static String memoryCurve(String model, int batchSize, int steps, int every, Path dir, Consumer<String> progress)
            throws IOException {
        return memoryCurve(model, batchSize, steps, every, dir, Device.CPU, progress);
    }

    /** As {@link #memoryCurve}, the model on {@code device} (the curve is then the device's used memory beside the host's). */
    public static String memoryCurve(String model, int batchSize, int steps, int every, Path dir, Device device, Consumer<String> progress)
            throws IOException {
        Dataset data = SyntheticCifar.generate(Math.max(batchSize * 4, 256), 8, 10, 32, 3).train();
        Batches batches = Batches.training(data, batchSize, true, 1);
        long freeBefore = -1;
        if (!device.isCpu()) {
            try (Backend probe = Backends.open(device, DataType.FLOAT)) {
                freeBefore = probe.memory().availableBytes();
            }
        }
        Engine engine = Engines.build(model, 3, 32, 10, DataType.FLOAT, 1, device);
        ModelOracle oracle = new ModelOracle(engine);
        Optimizer opt = Optim.optimizer(Optim.adamW(1e-4, 0.03));
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        List<Double> gpu = new ArrayList<>();
        StringBuilder csv = new StringBuilder(device.isCpu() ? "step,resident_bytes\n" : "step,resident_bytes,device_bytes\n");
        long t0 = System.nanoTime();
        for (int s = 1; s <= steps; s++) {
            oracle.setBatch(batches.get((s - 1) / batches.count(), (s - 1) % batches.count()), 0, s);
            opt.step(oracle);
            if (s % every == 0 || s == 1) {
                long rss = org.bytedeco.javacpp.Pointer.physicalBytes();
                xs.add((double) s);
                ys.add(rss / 1e9);
                csv.append(s).append(',').append(rss);
                if (!device.isCpu()) {
                    long used = freeBefore - engine.backend().memory().availableBytes();
                    gpu.add(used / 1e9);
                    csv.append(',').append(used);
                }
                csv.append('\n');
                progress.accept(String.format(Locale.ROOT, "%s batch %d: step %d of %d, resident %.2f GB%s, %.3f s/step", model, batchSize, s,
                        steps, rss / 1e9, gpu.isEmpty() ? "" : String.format(Locale.ROOT, ", GPU %.2f GB", gpu.get(gpu.size() - 1)),
                        (System.nanoTime() - t0) / 1e9 / s));
            }
        }
        Files.createDirectories(dir);
        String base = "memory-" + model.replace(':', '_') + "-b" + batchSize;
        Files.writeString(dir.resolve(base + ".csv"), csv);
        String plotted = plot(model, batchSize, xs, ys, gpu, dir.resolve(base));
        double first = ys.get(Math.min(1, ys.size() - 1));
        double max = ys.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double last = ys.get(ys.size() - 1);
        engine.close();
        String g = gpu.isEmpty() ? "" : String.format(Locale.ROOT, "; GPU %.2f GB after step %d, max %.2f GB, last %.2f GB", gpu.get(Math.min(1,
                gpu.size() - 1)), xs.get(Math.min(1, xs.size() - 1)).longValue(), gpu.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                gpu.get(gpu.size() - 1));
        return String.format(Locale.ROOT, "%s batch %d, %d steps: resident %.2f GB after step %d, max %.2f GB, last %.2f GB%s (%s.csv%s)",
                model, batchSize, steps, first, xs.get(Math.min(1, xs.size() - 1)).longValue(), max, last, g, base, plotted);
    }

    /** The memory curve as a PNG beside the CSV; without Java's desktop module (the offline bundle) the CSV alone. */
    private static String plot(String model, int batchSize, List<Double> xs, List<Double> ys, List<Double> gpu, Path base) throws IOException {
        try {
            XYChart chart = new XYChartBuilder().width(800).height(400).title("Memory, " + model + " batch " + batchSize)
                    .xAxisTitle("step").yAxisTitle("memory (GB)").build();
            chart.getStyler().setYAxisMin(0.0);
            chart.addSeries("host resident", xs, ys);
            if (!gpu.isEmpty()) {
                chart.addSeries("GPU used", xs, gpu);
            }
            BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
            return ", " + base.getFileName() + ".png";
        } catch (NoClassDefFoundError e) {
            return "; no plot: this Java has no desktop module (java.desktop), e.g. the offline bundle";
        }
    }

    private static String describe(Device device) {
        try (Backend be = Backends.open(device, DataType.FLOAT)) {
            return be.describe();
        }
    }

    private static String row(Figures f) {
        if (!f.device().isCpu()) {
            return deviceRow(f);
        }
        double plain = f.seconds().get("plain");
        String torchCols = "– | – | – | –";
        if (!f.torchSeconds().isEmpty()) {
            Map<String, Double> ts = f.torchSeconds();
            double tp = ts.get("plain");
            torchCols = String.format(Locale.ROOT, "%.3f | **%.2f×** | %s, %s, %s | %s", tp, f.pairedPlainRatio(), ratio(ts, "sam", tp),
                    ratio(ts, "gr", tp), ratio(ts, "gnr", tp), gb(f.torchPeakBytes()));
        }
        return String.format(Locale.ROOT, "| %s | %d | %,d | %.3f | %s | %s | %s | %.1f%% (optimizer %.1f%%) | %s | %s |%n", f.model(), f.batch(),
                f.parameters(), plain, ratio(f.seconds(), "sam", plain), ratio(f.seconds(), "gr", plain), ratio(f.seconds(), "gnr", plain),
                100 * f.bookkeeping(), 100 * f.optimizer(),
                gb(f.peakBytes()), torchCols);
    }

    private static String deviceRow(Figures f) {
        double plain = f.seconds().get("plain");
        String torchCols = "– | – | – | –";
        if (!f.torchSeconds().isEmpty()) {
            Map<String, Double> ts = f.torchSeconds();
            double tp = ts.get("plain");
            torchCols = String.format(Locale.ROOT, "%.1f | **%.2f×** | %s, %s, %s | %s", 1e3 * tp, f.pairedPlainRatio(), ratio(ts, "sam", tp),
                    ratio(ts, "gr", tp), ratio(ts, "gnr", tp), gb(f.torchDeviceBytes()));
        }
        return String.format(Locale.ROOT, "| %s | %d | %,d | %.1f | %s | %s | %s | %.1f%% (optimizer %.1f%%) | %.1f%% (%.0f MB) | %s | %s |%n",
                f.model(), f.batch(), f.parameters(), 1e3 * plain, ratio(f.seconds(), "sam", plain), ratio(f.seconds(), "gr", plain),
                ratio(f.seconds(), "gnr", plain), 100 * f.bookkeeping(), 100 * f.optimizer(), 100 * f.transferShare(), f.transferBytes() / 1e6,
                gb(f.deviceBytes()), torchCols);
    }

    private static String ratio(Map<String, Double> s, String k, double plain) {
        Double v = s.get(k);
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f×", v / plain);
    }

    private static String gb(long bytes) {
        return bytes <= 0 ? "–" : String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }

    /** Writes the report to {@code out} (Markdown) and returns it. */
    public static String runTo(Path out, String[] models, int[] batches, List<String> kinds, int repeats, Path torchScript,
                               Consumer<String> progress) throws IOException {
        return runTo(out, models, batches, kinds, repeats, torchScript, Device.CPU, progress);
    }

    /** As {@link #runTo} with the models on {@code device}. */
    public static String runTo(Path out, String[] models, int[] batches, List<String> kinds, int repeats, Path torchScript, Device device,
                               Consumer<String> progress) throws IOException {
        if (!kinds.contains("plain")) {
            throw new IllegalArgumentException("--kinds must include plain (the other kinds are reported as ratios to it)");
        }
        for (String k : kinds) {
            if (!KINDS.contains(k)) {
                throw new IllegalArgumentException("--kinds: unknown step kind '" + k + "'; known: " + String.join(", ", KINDS));
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Consumer<String> write = md -> {
            try {
                org.gradreg.common.io.AtomicFiles.writeString(out, "# trainer benchmark\n\n" + md);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        String md = run(models, batches, kinds, repeats, torchScript, device, progress, write);
        write.accept(md);
        return "# trainer benchmark\n\n" + md;
    }
}
