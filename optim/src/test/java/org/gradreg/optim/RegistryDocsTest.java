package org.gradreg.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/registries.md is the registries' own listing; regenerate it with Registries.markdown() after a change. */
class RegistryDocsTest {

    @Test
    void docsListEveryEntryAsTheCodeDoes() throws IOException {
        Path doc = Path.of("..", "docs", "registries.md");
        assertEquals(Registries.markdown(), Files.readString(doc),
                "docs/registries.md is out of date: write Registries.markdown() to it");
    }
}
