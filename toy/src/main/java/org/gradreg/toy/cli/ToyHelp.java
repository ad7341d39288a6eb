package org.gradreg.toy.cli;

import java.util.ListResourceBundle;
import org.gradreg.toy.Toys;

/** {@code gradreg toy}'s description of its NAME parameter, generated from the toy registry. */
public final class ToyHelp extends ListResourceBundle {

    @Override
    protected Object[][] getContents() {
        StringBuilder s = new StringBuilder("The toy to run: ");
        String sep = "";
        for (var e : Toys.REGISTRY.entries()) {
            s.append(sep).append(e.name()).append(" (").append(e.description()).append(')');
            sep = "; ";
        }
        return new Object[][] {{"name", s.append('.').toString()}};
    }
}
