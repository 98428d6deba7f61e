package io.github.djdd.core.step;

import io.github.djdd.core.DjddException;
import java.util.concurrent.Callable;

/** One build step: a {@code <Verb><Noun>Step} class, or a lambda over the core's API. */
@FunctionalInterface
public interface Step<T> extends Callable<T> {
    @Override
    T call() throws DjddException;
}
