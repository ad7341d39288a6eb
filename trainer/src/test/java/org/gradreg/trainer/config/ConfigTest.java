package org.gradreg.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.gradreg.trainer.BadInput;
import org.gradreg.trainer.Json;
import org.junit.jupiter.api.Test;

/** The typed configuration: its JSON form, setting paths, and the flat form of earlier versions converted on read. */
class ConfigTest {

    static JsonNode resource(String name) throws Exception {
        try (InputStream in = ConfigTest.class.getResourceAsStream("/legacy/" + name)) {
            return Json.mapper().readTree(in);
        }
    }

    static JsonNode json(String s) throws Exception {
        return Json.mapper().readTree(s);
    }

    /** The run the previous version wrote as config-gr-lambda-warmup.json, built with this version's API. */
    static TrainConfig lambdaWarmupRun() {
        return TrainConfig.defaults().with("model.spec", "vit-micro:patch=4,hidden=16,mlp=32,heads=2,layers=1",
                "data.spec", "synthetic:train=128,test=64,classes=4,size=8", "optimizer.rule", "adam", "optimizer.lr", 3e-3,
                "run.batch", 32, "run.epochs", 2, "optimizer.schedule.warmupEpochs", 0.4)
                .withEstimator(EstimatorConfig.parse("gr:r=0.05,alpha=0.8,warmup=lambda,warmup_epochs=1.5"));
    }

    /** The estimator built from a name and its keys as text (--gr's form) is the parsed spec's, typed by the registry. */
    @Test
    void anEstimatorFromItsNameAndKeysIsTheParsedSpecs() {
        EstimatorConfig gr = EstimatorConfig.of("gr", Map.of("r", "0.05", "alpha", "0.8", "warmup", "zero"));
        assertEquals(EstimatorConfig.parse("gr:r=0.05,alpha=0.8,warmup=zero"), gr);
        assertEquals(Map.of("r", 0.05, "alpha", 0.8, "warmup", "zero"), gr.keys());
        assertEquals(EstimatorConfig.plain(), EstimatorConfig.of("plain", Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EstimatorConfig.of("gr", Map.of("r", "0.1", "alpa", "0.8")));
        assertTrue(e.getMessage().contains("unknown gr hyper-parameter 'alpa'"), e.getMessage());
    }

    @Test
    void configFilesOfThePreviousVersionConvertSettingBySetting() throws Exception {
        TrainConfig lambda = ConfigJson.read(resource("config-gr-lambda-warmup.json"), "old");
        assertEquals(lambdaWarmupRun(), lambda);
        assertEquals(Map.of("r", 0.05, "alpha", 0.8, "warmup", "lambda", "warmup_epochs", 1.5), lambda.estimator().keys());
        TrainConfig zero = ConfigJson.read(resource("config-gr-zero-warmup.json"), "old");
        assertEquals(Map.of("r", 0.1, "alpha", 0.8, "warmup", "zero"), zero.estimator().keys(), "grWarmupEpochs -1: the LR warmup's");
        assertEquals("rmsprop gr(r=0.1,alpha=0.8) zero-warmup", zero.method(), "the label reports have always shown");
        assertEquals(1, zero.run().seed());
        TrainConfig sam = ConfigJson.read(resource("config-sam.json"), "old");
        assertEquals(EstimatorConfig.parse("sam:rho=0.05"), sam.estimator());
        assertEquals(0.03, sam.optimizer().weightDecay());
        assertEquals(0.4, sam.optimizer().schedule().warmupEpochs());
    }

    @Test
    void oldFieldsTheNewFormDropsOrNormalisesAndBadOnesNamed() throws Exception {
        TrainConfig c = ConfigJson.read(json("{\"model\": \"linear\", \"grWarmup\": \"none\", \"grWarmupEpochs\": 3, \"accumulate\": 0, "
                + "\"epochs\": 5, \"warmupEpochs\": \"auto\"}"), "old");
        assertEquals(EstimatorConfig.plain(), c.estimator(), "a GR warmup length without a policy was ignored");
        assertEquals(1, c.run().accumulate(), "0 meant 1");
        assertEquals(1.0, c.optimizer().schedule().warmupEpochs(), "auto: a fifth of 5 epochs");
        BadInput e = assertThrows(BadInput.class, () -> ConfigJson.read(json("{\"model\": \"linear\", \"lerning_rate\": 1}"), "old.json"));
        assertTrue(e.getMessage().startsWith("old.json: unknown field 'lerning_rate'"), e.getMessage());
        e = assertThrows(BadInput.class, () -> ConfigJson.read(json("{\"estimator\": \"gr\", \"estimatorSpec\": \"r=0.1,alpha=0.8\", "
                + "\"grWarmup\": \"slow\"}"), "old.json"));
        assertTrue(e.getMessage().contains("unknown GR warmup policy 'slow'"), e.getMessage());
        e = assertThrows(BadInput.class, () -> ConfigJson.read(json("{\"estimator\": \"sam\", \"estimatorSpec\": \"r=0.1\"}"), "old.json"));
        assertTrue(e.getMessage().contains("unknown sam hyper-parameter 'r'"), e.getMessage());
    }

    @Test
    void theJsonFormRoundTripsAndTheEstimatorIsOneObjectOfTypedKeys() throws Exception {
        TrainConfig c = lambdaWarmupRun();
        String text = Json.pretty(c);
        assertEquals(c, ConfigJson.read(json(text), "new"));
        JsonNode e = json(text).get("estimator");
        assertEquals("{\"name\":\"gr\",\"r\":0.05,\"alpha\":0.8,\"warmup\":\"lambda\",\"warmup_epochs\":1.5}", e.toString());
        assertTrue(e.get("alpha").isDouble() && e.get("warmup").isTextual());
        // keys are kept in the registry's order whatever order they are given in, and typed by it
        assertEquals(EstimatorConfig.parse("gr:r=0.05,alpha=0.8"), ConfigJson.read(json("{\"estimator\": {\"alpha\": \"0.8\", \"name\": \"gr\", "
                + "\"r\": 0.05}}"), "new").estimator());
        assertEquals("gr(r=0.1,alpha=-0.5)", EstimatorConfig.parse("gr:alpha=-0.5,r=1e-1").label());
        assertEquals("gr(r=0.1,alpha=2)", EstimatorConfig.parse("gr:r=0.1,alpha=2.0").label());
        assertEquals("r=0.1,alpha=5.0E-5", EstimatorConfig.parse("gr:r=0.1,alpha=5e-5").spec(), "exact, as optim's registry reads it");
        BadInput bad = assertThrows(BadInput.class, () -> ConfigJson.read(json("{\"estimator\": {\"name\": \"gr\", \"r\": 0.1, "
                + "\"alhpa\": 0.8}}"), "spec.json"));
        assertTrue(bad.getMessage().startsWith("spec.json: unknown gr hyper-parameter 'alhpa'"), bad.getMessage());
    }

    @Test
    void theConvolutionAlgorithmIsRecordedAndAConfigWithoutItMeansIm2col() throws Exception {
        TrainConfig old = ConfigJson.read(resource("config-sam.json"), "old");
        assertEquals("im2col", old.model().conv(), "config.json files from before model.conv: the convolutions they were made with");
        assertEquals("im2col", TrainConfig.defaults().model().conv());
        TrainConfig w = TrainConfig.defaults().with("model.conv", "winograd");
        assertEquals("winograd", w.model().conv());
        assertEquals(w, ConfigJson.read(json(Json.pretty(w)), "new"), "round trip");
        assertEquals(List.of("model.conv: im2col → winograd"), TrainConfig.defaults().differences(w));
        BadInput e = assertThrows(BadInput.class, () -> TrainConfig.defaults().with("model.conv", "fft"));
        assertTrue(e.getMessage().contains("conv must be im2col or winograd, got 'fft'"), e.getMessage());
    }

    @Test
    void settingsAreSetByPathAndNamingAnotherEstimatorDropsTheKeys() {
        TrainConfig c = TrainConfig.defaults().withEstimator(EstimatorConfig.parse("gr:r=0.1,alpha=0.8"));
        assertEquals(0.5, c.with("estimator.alpha", 0.5).estimator().keys().get("alpha"));
        assertEquals(EstimatorConfig.plain(), c.with("estimator", Map.of("name", "plain")).estimator());
        assertEquals(EstimatorConfig.parse("sam:rho=0.05"), c.with("estimator.name", "sam", "estimator.rho", 0.05).estimator());
        assertEquals(0.2, c.with("optimizer", Map.of("lr", 0.2)).optimizer().lr(), "an object merges");
        assertEquals("adamw", c.with("optimizer", Map.of("lr", 0.2)).optimizer().rule(), "the rest stays");
        BadInput e = assertThrows(BadInput.class, () -> c.with("optimizer.lerning_rate", 0.1));
        assertTrue(e.getMessage().contains("unknown setting 'optimizer.lerning_rate'") && e.getMessage().contains("optimizer.lr"), e.getMessage());
        e = assertThrows(BadInput.class, () -> c.with("optimizer", "adam"));
        assertTrue(e.getMessage().contains("'optimizer' is a group of settings") && e.getMessage().contains("optimizer.rule"), e.getMessage());
        e = assertThrows(BadInput.class, () -> c.with("run.epochs", 1));
        assertTrue(e.getMessage().contains("warmup epochs must be in [0, epochs = 1], got 2.0"), e.getMessage());
        e = assertThrows(BadInput.class, () -> c.with("optimizer.lr", 0));
        assertTrue(e.getMessage().contains("learning rate must be positive and finite, got 0.0"), e.getMessage());
    }

    @Test
    void settingsByPathIncludeTheEstimatorsDefaultsAndDifferencesNameThePaths() {
        TrainConfig gr = TrainConfig.defaults().withEstimator(EstimatorConfig.parse("gr:r=0.1,alpha=0.8"));
        Map<String, Object> s = Settings.of(gr);
        assertEquals("paper", s.get("estimator.form"));
        assertEquals("none", s.get("estimator.warmup"));
        assertEquals(List.of(), gr.differences(gr.withEstimator(EstimatorConfig.parse("gr:r=0.1,alpha=0.8,form=paper"))),
                "a key at its default is the same setting");
        assertEquals(List.of("optimizer.lr: 0.001 → 0.002", "estimator.alpha: 0.8 → 0.5"),
                gr.differences(gr.with("optimizer.lr", 0.002, "estimator.alpha", 0.5)));
        assertEquals("weightDecay", Settings.shortName("optimizer.weightDecay"));
        assertEquals("alpha", Settings.shortName("estimator.alpha"));
        assertEquals("seed", Settings.shortName("run.seed"));
        assertEquals("dataSeed", Settings.shortName("data.seed"));
        assertTrue(Settings.known("estimator.sam_rho") && !Settings.known("estimator.alhpa") && !Settings.known("optimizer"));
        for (String field : LegacyConfig.fields()) { // every flat field of earlier versions has a home
            assertTrue(Settings.known(LegacyConfig.path(field)) || field.startsWith("estimator") || field.startsWith("grWarmup"), field);
        }
    }
}
