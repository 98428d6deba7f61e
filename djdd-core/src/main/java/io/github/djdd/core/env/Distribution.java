package io.github.djdd.core.env;

import java.util.regex.Pattern;

/**
 * One Python distribution that goes into an env: the file pip installs it from, by its SHA-256,
 * and where that file came from; or, for a project folder named in the requirements, that folder.
 *
 * @param name its name as its metadata gives it
 * @param version its version
 * @param summary its metadata's one-line summary, "" when none
 * @param fileName the distribution file's name (a wheel or sdist, as pip reads name and version
 *     from it); null for a folder
 * @param sha256 the file's SHA-256; null for a folder
 * @param source where the file came from (its URL, without credentials) or the folder in the build root
 */
public record Distribution(String name, String version, String summary, String fileName, String sha256,
        String source) {
    /** A distribution name as PEP 508 allows it. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    /** A version as PEP 440 spells it, normalized or not. */
    static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+!_-]*");
    /** A distribution file's name: no path, one of the archive kinds pip installs from. */
    static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+!-]*\\.(whl|tar\\.gz|zip|tar\\.bz2|tgz)");

    /** Whether it is a project folder, built from source, rather than a downloaded file. */
    public boolean folder() {
        return fileName == null;
    }

    /** Whether it is a source distribution, which the offline install builds. */
    boolean sdist() {
        return fileName != null && !fileName.endsWith(".whl");
    }

    /** The line of a requirements file that installs exactly this file: {@code name==version --hash=sha256:...}. */
    String pinned() {
        return name + "==" + version + " --hash=sha256:" + sha256;
    }

    /** The name as Python's packaging normalizes it (PEP 503). */
    String normalizedName() {
        return EnvSbom.normalized(name);
    }
}
