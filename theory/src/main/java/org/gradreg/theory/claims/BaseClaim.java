package org.gradreg.theory.claims;

import org.gradreg.theory.Claim;

/** The descriptive part every claim has. */
abstract class BaseClaim implements Claim {

    private final String id;
    private final String paper;
    private final String reference;
    private final String statement;
    private final String method;

    BaseClaim(String id, String paper, String reference, String statement, String method) {
        this.id = id;
        this.paper = paper;
        this.reference = reference;
        this.statement = statement;
        this.method = method;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String paper() {
        return paper;
    }

    @Override
    public String reference() {
        return reference;
    }

    @Override
    public String statement() {
        return statement;
    }

    @Override
    public String method() {
        return method;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Override
    public String toString() {
        return id + " (" + reference + ")";
    }
}
