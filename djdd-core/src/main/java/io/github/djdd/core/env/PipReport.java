package io.github.djdd.core.env;

import com.fasterxml.jackson.jr.ob.JSON;
import io.github.djdd.core.BuildFailedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * pip's installation report ({@code pip install --dry-run --report}, report version 1): what its
 * resolver chose. It is written in the sandbox, so every value in it is checked before djdd uses
 * it: names and versions by their syntax, URLs only where djdd's own proxy or the configured
 * folders gave them out.
 */
final class PipReport {
    /** One entry of the report's {@code install} list. */
    record Entry(String name, String version, String summary, String url, String sha256, boolean directory,
            boolean vcs) {}

    private PipReport() {}

    static List<Entry> read(byte[] report) throws BuildFailedException {
        Map<String, Object> parsed;
        try {
            parsed = JSON.std.mapFrom(report);
        } catch (IOException e) {
            throw new BuildFailedException("pip's installation report is not JSON (" + e.getMessage() + "): the"
                    + " build root's pip is too old for --report; djdd needs pip 22.2 or newer (Debian 12 and later).",
                    e);
        }
        if (!(parsed.get("install") instanceof List<?> installed)) {
            throw new BuildFailedException("pip's installation report has no 'install' list: djdd reads report"
                    + " version 1 (pip 22.2 or newer); this one says version " + parsed.get("version") + ".");
        }
        List<Entry> entries = new ArrayList<>();
        for (Object item : installed) {
            Map<?, ?> entry = item instanceof Map<?, ?> map ? map : Map.of();
            Map<?, ?> metadata = entry.get("metadata") instanceof Map<?, ?> map ? map : Map.of();
            Map<?, ?> download = entry.get("download_info") instanceof Map<?, ?> map ? map : Map.of();
            String name = String.valueOf(metadata.get("name"));
            String version = String.valueOf(metadata.get("version"));
            if (!Distribution.NAME.matcher(name).matches() || !Distribution.VERSION.matcher(version).matches()) {
                throw new BuildFailedException("pip reported a distribution named " + name.strip() + " " + version.strip()
                        + ", which is no valid name and version: a package of the requirements gives false metadata;"
                        + " remove it from the requirements.");
            }
            String summary = metadata.get("summary") instanceof String text ? text.strip() : "";
            String sha256 = null;
            if (download.get("archive_info") instanceof Map<?, ?> archive) {
                if (archive.get("hashes") instanceof Map<?, ?> hashes && hashes.get("sha256") instanceof String hash) {
                    sha256 = hash.toLowerCase(Locale.ROOT);
                } else if (archive.get("hash") instanceof String hash && hash.startsWith("sha256=")) {
                    sha256 = hash.substring("sha256=".length()).toLowerCase(Locale.ROOT);
                }
            }
            entries.add(new Entry(name, version, summary, String.valueOf(download.get("url")), sha256,
                    download.containsKey("dir_info"), download.containsKey("vcs_info")));
        }
        return entries;
    }
}
