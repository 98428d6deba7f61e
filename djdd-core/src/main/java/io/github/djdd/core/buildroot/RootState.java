package io.github.djdd.core.buildroot;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.workspace.RootDir;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * What init recorded about the root, beside it in {@code {suite}.properties}. Only a root whose
 * state says {@code complete=true} is ever used by a build; anything else is finished by the
 * next init.
 */
/**
 * @param updated the archives' fingerprint ({@link MirrorCheck.Archives#fingerprint()}) when init
 *     last brought the root up to date with them; empty before
 */
record RootState(String suite, String mirror, boolean complete, String updated) {


    static Optional<RootState> read(RootDir dir) throws DjddException {
        Path file = dir.state();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new DjddException("Cannot read " + file + " (" + e.getMessage() + "): delete it and run djdd:init.", e);
        }
        return Optional.of(new RootState(properties.getProperty("suite", ""), properties.getProperty("mirror", ""),
                Boolean.parseBoolean(properties.getProperty("complete")), properties.getProperty("updated", "")));
    }

    /** Written to a temporary file and renamed, so a crash never leaves half a state file. */
    void write(RootDir dir) throws DjddException {
        Properties properties = new Properties();
        properties.setProperty("suite", suite);
        properties.setProperty("mirror", mirror);
        properties.setProperty("complete", Boolean.toString(complete));
        properties.setProperty("updated", updated);
        Path file = dir.state();
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                properties.store(writer, "djdd build root state: written by djdd:init");
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new DjddException("Cannot write " + file + " (" + e.getMessage() + "): check the build dir.", e);
        }
    }

    RootState completed() {
        return new RootState(suite, mirror, true, updated);
    }

    /** The state once the root is up to date with archives of {@code fingerprint}. */
    RootState updatedTo(String fingerprint) {
        return new RootState(suite, mirror, complete, fingerprint);
    }
}
