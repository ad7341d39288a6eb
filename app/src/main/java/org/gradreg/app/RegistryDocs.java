package org.gradreg.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gradreg.optim.Registries;
import org.gradreg.toy.Toys;
import org.gradreg.trainer.data.Datasets;
import org.gradreg.trainer.model.Models;

/**
 * docs/registries.md, generated from every registry: optim's ({@link Registries}), the models, the
 * data sets and the toy reproductions. {@code RegistryDocsTest} fails when the file and the code
 * differ; rewrite it with {@code main} (argument: the file, default docs/registries.md).
 */
public final class RegistryDocs {

    private RegistryDocs() {
    }

    public static String markdown() {
        return "# Registries\n\n"
                + "Generated from the registries (`org.gradreg.optim.Registries`, `Models.REGISTRY`, `Datasets.REGISTRY`, `Toys.REGISTRY`) "
                + "by `org.gradreg.app.RegistryDocs` (the `RegistryDocsTest` test fails when this file and the code differ).\n"
                + "A spec is `name` or `name:key=value,key=value`, e.g. `--optimizer adamw:beta1=0.95,eps=1e-6`, "
                + "`--estimator gr:r=0.1,alpha=0.8`, `--model vit-ti:layers=6`. Update rules take their learning rate and weight decay from `--lr`, "
                + "`--schedule` and `--weight-decay`. The papers behind each entry: [references.md](references.md).\n\n"
                + Registries.markdown()
                + "\n## Models (`--model`)\n\n"
                + "A ViT takes its channels and image side from the data (`image` overrides the side); the example of each model is "
                + "the tiny size its contract test builds.\n\n" + Models.REGISTRY.markdown()
                + "\n## Data sets (`--dataset`)\n\n" + Datasets.REGISTRY.markdown()
                + "\n## Toy reproductions (`gradreg toy NAME`)\n\n" + Toys.REGISTRY.markdown();
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args.length > 0 ? args[0] : "docs/registries.md"), markdown());
    }
}
