package io.github.djdd.it;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Prints each scenario's name when it starts and its wall time when it ends, for the test log. */
final class ScenarioTimes implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ScenarioTimes.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        System.out.println("[scenario] " + context.getDisplayName());
        context.getStore(NAMESPACE).put("started", System.nanoTime());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        long started = context.getStore(NAMESPACE).get("started", Long.class);
        System.out.printf("[measure] scenario %s: %.1f s%n", context.getDisplayName(),
                (System.nanoTime() - started) / 1e9);
    }
}
