package org.gradreg.theory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs one jqwik property through jqwik's own engine (JUnit Platform launcher) and returns the
 * sample jqwik shrank, so that a claim's "minimal counterexample" is what jqwik means by minimal.
 * The property class carries {@code @AddLifecycleHook(JqwikShrinking.Recorder.class)}: the hook
 * records the outcome and reports the property as successful (a falsified claim is a finding, not
 * a test failure). jqwik's failure database goes to a temporary file, so earlier runs never change
 * the result (seeded, deterministic).
 */
public final class JqwikShrinking {

    private JqwikShrinking() {
    }

    /** What jqwik found: tries, checks, and the original and shrunk falsifying samples (empty if none). */
    public record Result(int tries, int checks, Optional<List<Object>> original, Optional<List<Object>> shrunk, int shrinkingSteps,
                         Optional<Throwable> error) {
        public boolean falsified() {
            return shrunk.isPresent() || original.isPresent();
        }
    }

    private static final Map<String, Result> RESULTS = new ConcurrentHashMap<>();

    /** Runs property method {@code method} of {@code propertyClass} and returns jqwik's result. */
    public static synchronized Result run(Class<?> propertyClass, String method) {
        String key = propertyClass.getName() + "#" + method;
        RESULTS.remove(key);
        java.lang.reflect.Method target = java.util.Arrays.stream(propertyClass.getDeclaredMethods())
                .filter(m -> m.getName().equals(method)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no method " + key));
        Path dir;
        try {
            dir = Files.createTempDirectory("gradreg-jqwik");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Path db = dir.resolve("jqwik.db");
        try {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectMethod(propertyClass, target))
                    .configurationParameter("jqwik.database", db.toString())
                    .configurationParameter("jqwik.reporting.onlyfailures", "true")
                    .build();
            Launcher launcher = LauncherFactory.create();
            launcher.execute(request);
        } finally {
            try {
                Files.deleteIfExists(db);
                Files.deleteIfExists(dir);
            } catch (java.io.IOException ignored) {
                // a temporary file
            }
        }
        Result r = RESULTS.get(key);
        if (r == null) {
            throw new IllegalStateException("jqwik did not run " + key + " (is the jqwik engine on the class path?)");
        }
        if (r.error().isPresent() && r.original().isEmpty()) {
            // a failure without a falsifying sample is a broken property (e.g. a bad generator), not a finding
            throw new IllegalStateException("jqwik could not run " + key + ": " + r.error().get(), r.error().get());
        }
        return r;
    }

    /** The lifecycle hook the property classes register. */
    public static final class Recorder implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            PropertyExecutionResult result = property.execute();
            String key = context.containerClass().getName() + "#" + context.targetMethod().getName();
            RESULTS.put(key, new Result(result.countTries(), result.countChecks(),
                    result.originalSample().map(s -> List.copyOf(s.parameters())),
                    result.shrunkSample().map(s -> List.copyOf(s.parameters())),
                    result.shrunkSample().map(s -> s.countShrinkingSteps()).orElse(0),
                    result.status() == PropertyExecutionResult.Status.FAILED ? result.throwable() : Optional.empty()));
            return result.mapToSuccessful();
        }
    }
}
