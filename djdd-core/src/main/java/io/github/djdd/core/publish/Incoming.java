package io.github.djdd.core.publish;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.deb.DebFile;
import io.github.djdd.core.deb.Stanza;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packages of a publish against what the repository has: the new ones, and those it has
 * already with the same bytes. A package it has under the same name, version and architecture
 * with other bytes is refused: a published package is never replaced.
 */
record Incoming(List<DebFile> added, List<String> present) {
    /**
     * @param index the repository's entries by {@link DebFile#key()}, each with its {@code SHA256}
     * @param has how a refusal names the repository and what it has, e.g. "/srv/apt has for trixie"
     */
    static Incoming sort(Map<String, Stanza> index, List<DebFile> debs, String has) throws DjddException {
        List<DebFile> added = new ArrayList<>();
        List<String> present = new ArrayList<>();
        for (DebFile deb : debs) {
            Stanza existing = index.get(deb.key());
            if (existing == null) {
                added.add(deb);
            } else if (existing.require("SHA256").equals(deb.sha256())) {
                present.add(deb.key());
            } else {
                throw new DjddException(deb.file().getFileName() + " is " + deb.name() + " " + deb.version()
                        + ", which " + has + " already with other content: a published package is never replaced."
                        + " Give the new one another version, or build with -Ddjdd.aptRepository so that the"
                        + " published one is used.");
            }
        }
        return new Incoming(added, present);
    }

    List<String> addedKeys() {
        return added.stream().map(DebFile::key).toList();
    }
}
