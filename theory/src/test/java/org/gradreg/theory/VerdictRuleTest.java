package org.gradreg.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.gradreg.theory.VerdictRule.Case;
import org.gradreg.theory.VerdictRule.Condition;
import org.gradreg.theory.VerdictRule.Kind;
import org.junit.jupiter.api.Test;

/** The one verdict rule of docs/claims-ledger.md, case by case: every verdict is reachable, and only the way the rule says. */
class VerdictRuleTest {

    private static final Condition C = new Condition("c", "somewhere");

    @Test
    void aCaseViolatesOnlyBeyondItsResolution() {
        assertTrue(Case.of("x", -0.2, 0.1).violates());
        assertTrue(Case.of("x", -0.05, 0.1).unresolved());
        assertTrue(Case.of("x", 0.2, 0.1).confirms());
        assertTrue(Case.of("x", 0, 0).unresolved());
        assertThrows(IllegalArgumentException.class, () -> Case.of("x", Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> Case.of("x", 1, -1));
    }

    @Test
    void oneViolationFailsWhateverTheFraction() {
        List<Case> cases = new java.util.ArrayList<>();
        for (int i = 0; i < 999; i++) {
            cases.add(Case.of("ok " + i, 1, 0));
        }
        cases.add(Case.of("bad", -1e-3, 1e-4));
        for (Kind k : Kind.values()) {
            VerdictRule.Judgement j = VerdictRule.judge(k, cases);
            assertEquals(Verdict.FAILS, j.verdict(), k.name());
            assertEquals(1, j.violating());
            assertEquals("bad", j.worstViolation().label());
        }
        Claim.Outcome o = VerdictRule.outcome(VerdictRule.judge(Kind.EXACT, cases), Map.of());
        assertNotNull(o.counterexample());
        assertTrue(o.counterexample().startsWith("bad"), o.counterexample());
    }

    @Test
    void holdsUnderConditionsNeedsEveryViolationOutsideAPaperStatedCondition() {
        List<Case> outsideOnly = List.of(new Case("in", 1, 0, true), new Case("out", -1, 0, false));
        assertEquals(Verdict.HOLDS_UNDER_CONDITIONS, VerdictRule.judge(Kind.EXACT, outsideOnly, C).verdict());
        // without a condition the same cases fail: the label is not a fallback for partial failure
        assertEquals(Verdict.FAILS, VerdictRule.judge(Kind.EXACT, outsideOnly).verdict());
        List<Case> insideToo = List.of(new Case("in", -1, 0, true), new Case("out", -1, 0, false));
        assertEquals(Verdict.FAILS, VerdictRule.judge(Kind.EXACT, insideToo, C).verdict());
        List<Case> nothingInside = List.of(new Case("out", -1, 0, false));
        assertEquals(Verdict.FAILS, VerdictRule.judge(Kind.EXACT, nothingInside, C).verdict());
    }

    @Test
    void strictStatementsNeedEveryCaseResolved() {
        List<Case> tie = List.of(Case.of("up", 1, 0.1), Case.of("tie", 0.05, 0.1));
        assertEquals(Verdict.NOT_INFORMATIVE, VerdictRule.judge(Kind.STRICT, tie).verdict());
        assertEquals(Verdict.HOLDS, VerdictRule.judge(Kind.EXACT, tie).verdict());
        assertEquals(Verdict.HOLDS_APPROXIMATELY, VerdictRule.judge(Kind.APPROXIMATION, tie).verdict());
        assertEquals(Verdict.HOLDS, VerdictRule.judge(Kind.STRICT, List.of(Case.of("up", 1, 0.1))).verdict());
        assertThrows(IllegalArgumentException.class, () -> VerdictRule.judge(Kind.EXACT, List.of()));
    }

    @Test
    void notInformativeByDesignSaysWhatFailingWouldLookLike() {
        Claim.Outcome o = VerdictRule.notInformative(Map.of("x", 1), "a bound below the data", "the bound is lost");
        assertEquals(Verdict.NOT_INFORMATIVE, o.verdict());
        assertNull(o.counterexample());
        assertEquals("a bound below the data", o.evidence().get("a failing outcome would have been"));
    }

    @Test
    void aLimitIsJudgedByItsLastTwoHalvings() {
        assertTrue(VerdictRule.approach("l", new double[] {1, 0.5, 0.25}, 0).margin() > 0);
        assertTrue(VerdictRule.approach("l", new double[] {0.1, 1, 0.5, 0.25}, 0).margin() > 0, "early growth is not judged");
        assertTrue(VerdictRule.approach("l", new double[] {1, 0.5, 0.45}, 0).margin() < 0, "0.9 per halving is too slow");
        assertTrue(VerdictRule.approach("l", new double[] {1, 0.9, 0}, 1e-12).margin() > 0, "numerically zero at the end passes");
    }
}
