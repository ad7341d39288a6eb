package org.gradreg.theory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.gradreg.theory.claims.AdamPsiBiasCorrection;
import org.gradreg.theory.claims.AdamVarianceClosedForm;
import org.gradreg.theory.claims.AdamVarianceMonotone;
import org.gradreg.theory.claims.AdamVarianceApproximation;
import org.gradreg.theory.claims.AdamVarianceConditionEventually;
import org.gradreg.theory.claims.AdamVarianceConstantLimit;
import org.gradreg.theory.claims.AdamVarianceProofSteps;
import org.gradreg.theory.claims.GrAlphaZeroIsSam;
import org.gradreg.theory.claims.GrRWarmupGradient;
import org.gradreg.theory.tables.AgrTables;
import org.gradreg.theory.tables.GnrTables;
import org.gradreg.theory.tables.GrTables;
import org.gradreg.theory.tables.HarmfulGrTables;
import org.gradreg.theory.claims.AgrJacobianBound;
import org.gradreg.theory.claims.AgrEqA10Factor;
import org.gradreg.theory.claims.AgrLearningRateScaling;
import org.gradreg.theory.claims.AgrNormContraction;
import org.gradreg.theory.claims.GnrBoundsSam;
import org.gradreg.theory.claims.GnrConvergenceRate;
import org.gradreg.theory.claims.GnrCosExample;
import org.gradreg.theory.claims.GnrMoreMinima;
import org.gradreg.theory.claims.GnrFirstOrderAscent;
import org.gradreg.theory.claims.GnrQuadraticSharpness;
import org.gradreg.theory.claims.GrFiniteDifferenceLimit;
import org.gradreg.theory.claims.GrNormGradient;
import org.gradreg.theory.claims.SamIsGrWithAlphaOne;
import org.gradreg.theory.claims.SwdGradientNorms;
import org.gradreg.theory.claims.SwdTheorem2;
import org.gradreg.theory.claims.SwdVanillaDecay;
import org.gradreg.theory.claims.GnrChiSquareRadius;
import org.gradreg.theory.claims.GnrNormTermBound;
import org.gradreg.theory.claims.GnrPacBayesBound;
import org.gradreg.theory.claims.GnrSharpnessLimit;
import org.gradreg.theory.claims.SamSharpnessLimit;

/**
 * The claims ledger: every claim gradreg checks, run in order, written as {@code claims.json} and
 * {@code claims.md}. Verdicts are computed by the claims' checks, never written in.
 */
public final class ClaimsLedger {

    private ClaimsLedger() {
    }

    /** Every claim checked, in ledger order: per paper, the theory claims, then the claims about its own printed numbers. */
    public static List<Claim> claims() {
        List<Claim> all = new ArrayList<>(List.<Claim>of(
                new GrNormGradient(),
                new GrFiniteDifferenceLimit(),
                new SamIsGrWithAlphaOne(),
                new GrAlphaZeroIsSam()));
        all.addAll(GrTables.claims());
        all.addAll(List.<Claim>of(
                new AdamVarianceClosedForm(),
                new AdamVarianceClosedForm.Corrected(),
                new AdamVarianceApproximation(),
                new AdamVarianceConstantLimit(),
                new AdamPsiBiasCorrection(),
                new AdamVarianceMonotone(),
                new AdamVarianceConditionEventually(),
                new AdamVarianceProofSteps(),
                new GrRWarmupGradient()));
        all.addAll(HarmfulGrTables.claims());
        all.addAll(List.<Claim>of(
                new GnrCosExample(),
                new GnrMoreMinima(),
                new GnrQuadraticSharpness(),
                new GnrBoundsSam(),
                new GnrFirstOrderAscent.Argmax(),
                new GnrFirstOrderAscent.MaxValue(),
                new GnrSharpnessLimit(),
                new SamSharpnessLimit(),
                new GnrChiSquareRadius(),
                new GnrPacBayesBound(),
                new GnrPacBayesBound.Corrected(),
                new GnrNormTermBound(),
                new GnrNormTermBound.Corrected(),
                new GnrConvergenceRate()));
        all.addAll(GnrTables.claims());
        all.addAll(List.<Claim>of(
                new AgrNormContraction(),
                new AgrJacobianBound(),
                new AgrLearningRateScaling(),
                new AgrEqA10Factor(),
                new AgrEqA10Factor.Corrected()));
        all.addAll(AgrTables.claims());
        all.addAll(List.<Claim>of(
                new SwdVanillaDecay(),
                new SwdGradientNorms.Raises(),
                new SwdGradientNorms.AdamSLowers(),
                new SwdTheorem2.Bound(),
                new SwdTheorem2.Measured()));
        return List.copyOf(all);
    }

    /** Runs every claim; {@code progress} gets a line per claim. */
    public static List<ClaimResult> check(Consumer<String> progress) {
        List<ClaimResult> results = new ArrayList<>();
        List<Claim> all = claims();
        for (int i = 0; i < all.size(); i++) {
            Claim c = all.get(i);
            long t0 = System.nanoTime();
            Claim.Outcome o = c.check();
            double s = (System.nanoTime() - t0) / 1e9;
            results.add(new ClaimResult(c.id(), c.paper(), c.reference(), c.statement(), c.method(), o.verdict(), o.evidence(),
                    o.counterexample(), Math.round(s * 100) / 100.0));
            progress.accept(String.format(Locale.ROOT, "[%d/%d] %-32s %s (%.1f s)", i + 1, all.size(), c.id(), o.verdict(), s));
        }
        return results;
    }

    /** Runs every claim and writes {@code claims.json} and {@code claims.md} into {@code outDir}. */
    public static List<ClaimResult> verify(Path outDir, Consumer<String> progress) throws IOException {
        List<ClaimResult> results = check(progress);
        Files.createDirectories(outDir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        // timings vary from run to run; the JSON holds only what the seeds determine
        writeAtomically(outDir.resolve("claims.json"), json.writeValueAsString(
                results.stream().map(ClaimsLedger::withoutSeconds).toList()) + "\n");
        writeAtomically(outDir.resolve("claims.md"), markdown(results));
        return results;
    }

    private static Map<String, Object> withoutSeconds(ClaimResult r) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", r.id());
        m.put("paper", r.paper());
        m.put("reference", r.reference());
        m.put("statement", r.statement());
        m.put("method", r.method());
        m.put("verdict", r.verdict());
        m.put("evidence", r.evidence());
        if (r.counterexample() != null) {
            m.put("counterexample", r.counterexample());
        }
        return m;
    }

    /** The ledger as Markdown: a summary table, then one section per claim. */
    public static String markdown(List<ClaimResult> results) {
        StringBuilder md = new StringBuilder("# Claims ledger\n\nGenerated by `./gradreg verify`; every verdict is computed by the check described, "
                + "with fixed seeds.\n\nPapers (the *paper* column):\n\n");
        Papers.ALL.forEach((slug, citation) -> md.append("- `").append(slug).append("`: ").append(citation).append('\n'));
        md.append("\n| id | paper | reference | verdict |\n|---|---|---|---|\n");
        for (ClaimResult r : results) {
            md.append("| [").append(r.id()).append("](#").append(r.id().replace(".", "")).append(") | ").append(r.paper()).append(" | ")
                    .append(r.reference()).append(" | **").append(r.verdict()).append("** |\n");
        }
        for (ClaimResult r : results) {
            md.append("\n## ").append(r.id()).append("\n\n")
                    .append("- **Paper**: ").append(r.paper()).append(", ").append(r.reference()).append('\n')
                    .append("- **Statement**: ").append(r.statement()).append('\n')
                    .append("- **Check**: ").append(r.method()).append('\n')
                    .append("- **Verdict**: **").append(r.verdict()).append("**\n");
            if (r.counterexample() != null) {
                md.append("- **Counterexample**: ").append(r.counterexample()).append('\n');
            }
            md.append("- **Evidence**:\n");
            r.evidence().forEach((k, v) -> md.append("  - ").append(k).append(": ").append(render(v)).append('\n'));
        }
        return md.toString();
    }

    /**
     * One evidence value as readable text: numbers to six significant figures, arrays, lists and
     * maps element by element (recursively), never an identity string such as {@code [D@3aaf4f07}.
     */
    public static String render(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.6g", d);
        }
        if (v instanceof Float f) {
            return String.format(Locale.ROOT, "%.6g", f.doubleValue());
        }
        if (v instanceof double[] a) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < a.length; i++) {
                s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g", a[i]));
            }
            return s.append(']').toString();
        }
        if (v instanceof int[] a) {
            return java.util.Arrays.toString(a);
        }
        if (v instanceof long[] a) {
            return java.util.Arrays.toString(a);
        }
        if (v instanceof boolean[] a) {
            return java.util.Arrays.toString(a);
        }
        if (v instanceof float[] a) {
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                d[i] = a[i];
            }
            return render(d);
        }
        if (v instanceof Object[] a) {
            return render(java.util.Arrays.asList(a));
        }
        if (v instanceof java.util.Collection<?> c) {
            StringBuilder s = new StringBuilder("[");
            int i = 0;
            for (Object x : c) {
                s.append(i++ == 0 ? "" : ", ").append(render(x));
            }
            return s.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder s = new StringBuilder("{");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                s.append(i++ == 0 ? "" : ", ").append(e.getKey()).append(": ").append(render(e.getValue()));
            }
            return s.append('}').toString();
        }
        if (v.getClass().isArray()) {
            throw new IllegalArgumentException("no rendering for " + v.getClass().getSimpleName());
        }
        return String.valueOf(v);
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        org.gradreg.common.io.AtomicFiles.writeString(file, text);
    }
}
