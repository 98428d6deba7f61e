package io.github.djdd.core.workspace;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.process.CommandFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Tells a full disk from other failures. pip, dpkg, git and Java each word ENOSPC their own way
 * deep inside their output; the operator should read "no space" and where, not a Python trace.
 */
public final class DiskFull {
    /** strerror(ENOSPC) and strerror(EDQUOT), which every program on Linux prints. */
    private static final List<String> SIGNS = List.of("No space left on device", "Disk quota exceeded");

    private DiskFull() {}

    /** Whether {@code failure}, its causes or the output of a failed command report a full disk. */
    public static boolean caused(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (mentions(e.getMessage())) {
                return true;
            }
            if (e instanceof CommandFailedException failed && failed.result() != null
                    && failed.result().output().stream().anyMatch(DiskFull::mentions)) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentions(String text) {
        return text != null && SIGNS.stream().anyMatch(text::contains);
    }

    /**
     * {@code failure} itself, or, when a full disk caused it, an error that says so and names
     * {@code folder} (the build dir) with the space left there now.
     */
    public static DjddException explain(Path folder, DjddException failure) {
        if (!caused(failure)) {
            return failure;
        }
        String free;
        try {
            free = String.format(Locale.ROOT, "%.1f MiB free", Files.getFileStore(folder).getUsableSpace() / 1048576.0);
        } catch (IOException e) {
            free = "free space unknown";
        }
        return new DjddException("No space left on the file system of " + folder + " (" + free + " now): free"
                + " space there or point -Ddjdd.buildDir at a larger disk, then build again.", failure);
    }
}
