package io.github.djdd.core.deb;

import io.github.djdd.core.InvalidConfigurationException;
import java.util.Locale;

/** How the data archive inside a .deb is compressed; xz is what Debian's own packages use. */
public enum Compression {
    XZ("xz"),
    GZIP("gzip"),
    NONE("none");

    private final String jdebName;

    Compression(String jdebName) {
        this.jdebName = jdebName;
    }

    String jdebName() {
        return jdebName;
    }

    public static Compression of(String value) throws InvalidConfigurationException {
        String name = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (Compression compression : values()) {
            if (compression.jdebName.equals(name)) {
                return compression;
            }
        }
        throw new InvalidConfigurationException("compression", "Unknown compression '" + value
                + "': use xz, gzip or none (<compression>).");
    }
}
