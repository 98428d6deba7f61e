package io.github.djdd.plugin;

import io.github.djdd.core.Console;
import org.apache.maven.plugin.logging.Log;

/** Routes the core's log lines into Maven's log. */
final class MavenConsole implements Console {
    private final Log log;

    MavenConsole(Log log) {
        this.log = log;
    }

    @Override
    public void debug(String message) {
        log.debug(message);
    }

    @Override
    public void info(String message) {
        log.info(message);
    }

    @Override
    public void warn(String message) {
        log.warn(message);
    }
}
