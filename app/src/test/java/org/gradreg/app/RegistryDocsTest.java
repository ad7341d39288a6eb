package org.gradreg.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gradreg.optim.Registries;
import org.gradreg.common.registry.Registry;
import org.gradreg.toy.Toys;
import org.gradreg.trainer.data.Datasets;
import org.gradreg.trainer.model.Models;
import org.junit.jupiter.api.Test;

/** docs/registries.md is the registries' own listing; regenerate it with RegistryDocs.main after a change. */
class RegistryDocsTest {

    @Test
    void docsListEveryEntryAsTheCodeDoes() throws IOException {
        Path doc = Path.of("..", "docs", "registries.md");
        assertEquals(RegistryDocs.markdown(), Files.readString(doc),
                "docs/registries.md is out of date: write RegistryDocs.markdown() to it (RegistryDocs.main)");
    }

    @Test
    void everyRegistryAndEveryEntryIsListed() {
        String md = RegistryDocs.markdown();
        for (Registry<?> r : java.util.List.of(Registries.RULES, Registries.ESTIMATORS, Registries.TRANSFORMS, Registries.SCHEDULES,
                Models.REGISTRY, Datasets.REGISTRY, Toys.REGISTRY)) {
            for (var e : r.entries()) {
                assertTrue(md.contains("| `" + e.name() + "` |"), r.kind() + " " + e.name());
            }
        }
    }
}
