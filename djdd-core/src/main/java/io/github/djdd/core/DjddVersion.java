package io.github.djdd.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of djdd itself: what it generates may change with it, so cache keys include it. */
public final class DjddVersion {
    private static final String VERSION = read();

    private DjddVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = DjddVersion.class.getResourceAsStream("djdd.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("djdd.properties is part of djdd-core", e);
        }
    }
}
