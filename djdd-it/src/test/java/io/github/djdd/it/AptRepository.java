package io.github.djdd.it;

import io.github.djdd.core.Console;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.store.BuiltPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;

/**
 * A flat APT repository, as an operator would upload the packages to: the .debs and a
 * {@code Packages} index made by {@code apt-ftparchive}. Targets read it as
 * {@code deb [trusted=yes] file:/srv/djdd-repo ./}.
 */
final class AptRepository {
    private static final ProcessRunner RUNNER = new ProcessRunner(Console.NULL);

    private final Path dir;

    AptRepository(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** Adds the packages and rewrites the index. */
    AptRepository publish(Collection<BuiltPackage> packages) throws Exception {
        Files.createDirectories(dir);
        for (BuiltPackage built : packages) {
            Files.copy(built.file(), dir.resolve(built.file().getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        RUNNER.check(Command.of("sh", "-c", "cd \"$1\" && apt-ftparchive packages . > Packages.new"
                + " && mv Packages.new Packages", "publish", dir.toString()).quietly());
        return this;
    }
}
