package org.gradreg.app;

import java.util.ListResourceBundle;
import org.gradreg.optim.Registries;

/** {@code gradreg compare}'s description, naming the rules and estimators from optim's registries. */
public final class CompareHelp extends ListResourceBundle {

    @Override
    protected Object[][] getContents() {
        return new Object[][] {
                {"usage.description", "Run the update rules (" + Registries.RULES.namesText() + ") and gradient estimators ("
                        + Registries.ESTIMATORS.namesText() + ") on a built-in MLP problem and print a comparison table."},
        };
    }
}
