package org.gradreg.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 22 item 17: the toy summaries name their data and say what goes against the paper. */
class ToySummariesTest {

    @Test
    void theMlpProblemNamesItsData() {
        String d = MlpProblem.standard(11).description();
        assertTrue(d.startsWith("data: synthetic (MlpProblem, data seed 11), 3 classes") && d.contains("200 training points with 10% of their labels flipped")
                && d.contains("2000 test points") && d.contains("MLP 10-24-24-3"), d);
    }

    /** Values made up here: AdamS's norm larger than AdamW's at λ = 0.3, its error 30 points above at λ = 0.1 and 0.3. */
    @Test
    void theSwdSweepSaysWhereAdamSGoesAgainstThePaper() {
        double[] lambdas = {1e-3, 1e-1, 3e-1};
        Map<String, Double> num = new LinkedHashMap<>();
        double[][] w = {{0.5, 20}, {0.8, 22}, {1.0, 25}}; // AdamW: grad norm, test error %
        double[][] s = {{0.3, 21}, {0.7, 52}, {1.6, 60}}; // AdamS
        for (int i = 0; i < 3; i++) {
            num.put("AdamW grad norm λ=" + lambdas[i], w[i][0]);
            num.put("AdamW test error λ=" + lambdas[i], w[i][1]);
            num.put("AdamS grad norm λ=" + lambdas[i], s[i][0]);
            num.put("AdamS test error λ=" + lambdas[i], s[i][1]);
        }
        List<String> a = SwdSweep.awkward(lambdas, num);
        assertEquals(2, a.size(), a.toString());
        assertEquals("against the paper: AdamS ends with a larger final ‖∇L‖ than AdamW at λ = 0.3 (1.60 against 1.00)", a.get(0));
        assertTrue(a.get(1).startsWith("AdamS collapses (test error 10 points or more above AdamW's) at λ = 0.1 (52.0 % against 22.0 %), "
                + "λ = 0.3 (60.0 % against 25.0 %)"), a.get(1));
        num.put("AdamS grad norm λ=0.3", 0.9);
        num.put("AdamS test error λ=0.1", 23.0);
        num.put("AdamS test error λ=0.3", 26.0);
        assertEquals(List.of("AdamS ends with a final ‖∇L‖ no larger than AdamW's and a test error within 10 points of it at every λ"),
                SwdSweep.awkward(lambdas, num));
    }
}
