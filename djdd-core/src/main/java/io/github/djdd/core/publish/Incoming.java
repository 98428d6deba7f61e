package io.github.djdd.core.publish;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.deb.DebFile;
import io.github.djdd.core.deb.DebianVersion;
import io.github.djdd.core.deb.Stanza;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packages of a publish against what the repository has: the new ones, and those it has
 * already with the same bytes. A package it has under the same name, version and architecture
 * with other bytes is refused: a published package is never replaced. A new package whose version
 * does not sort above every version of its name and architecture there is refused too: apt would
 * never upgrade to it, and retention would drop it first. Only site versions can: env and src
 * packages have one version each, 1.
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
                String newest = newest(index, deb);
                if (newest != null && DebianVersion.compare(deb.version(), newest) <= 0) {
                    throw new DjddException(deb.file().getFileName() + " is " + deb.name() + " " + deb.version()
                            + ", which does not sort above " + newest + ", the newest " + deb.name() + " " + has
                            + ": servers would never upgrade to it, and <keep> would drop it first; nothing was"
                            + " published. Give it a version that sorts higher: build a newer commit, or set"
                            + " <siteVersion> (-Ddjdd.siteVersion) to one that grows with every build and starts"
                            + " with the build's UTC time, such as YYYYMMDD.HHMMSS.N with the build number N"
                            + " (-Ddjdd.siteVersion=$(date -u +%Y%m%d.%H%M%S).$BUILD_NUMBER).");
                }
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

    /** The newest version the index has of {@code deb}'s name and architecture, or null. */
    private static String newest(Map<String, Stanza> index, DebFile deb) {
        return index.values().stream()
                .filter(entry -> entry.require("Package").equals(deb.name())
                        && entry.require("Architecture").equals(deb.architecture()))
                .map(entry -> entry.require("Version")).max(DebianVersion.ORDER).orElse(null);
    }

    List<String> addedKeys() {
        return added.stream().map(DebFile::key).toList();
    }
}
