package io.github.djdd.core;

/**
 * Where the core's log lines go. The plugin routes them to Maven's log; tests use {@link #NULL}
 * or collect them.
 */
public interface Console {
    Console NULL = new Console() {
        @Override
        public void debug(String message) {}

        @Override
        public void info(String message) {}

        @Override
        public void warn(String message) {}
    };

    void debug(String message);

    void info(String message);

    void warn(String message);
}
