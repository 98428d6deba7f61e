package io.github.djdd.core.deb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What goes into a package's data archive. */
public sealed interface DebContent {

    /**
     * A folder of the build host installed at {@code target}: every file, folder and symlink in it,
     * owned by root, modes reduced to 0755 (executables and folders) or 0644.
     */
    record Tree(Path source, String target) implements DebContent {}

    /** One generated file. */
    record Data(String target, byte[] content, int mode) implements DebContent {
        public static Data text(String target, String content) {
            return new Data(target, content.getBytes(StandardCharsets.UTF_8), 0644);
        }
    }
}
