package io.github.djdd.core.deb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The files Debian policy asks of every package in {@code /usr/share/doc/{package}}: a copyright
 * file and a changelog, plus lintian overrides for what a generated package does on purpose.
 */
public final class PackageDocs {
    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private PackageDocs() {}

    /**
     * @param change the changelog entry, one sentence
     * @param overrides lintian tags this package triggers by design, each with the reason
     */
    public static List<DebContent> of(DebControl control, String software, String change, Instant time,
            Map<String, String> overrides) {
        String doc = "/usr/share/doc/" + control.name();
        List<DebContent> files = new ArrayList<>();
        files.add(DebContent.Data.text(doc + "/copyright", copyright(software)));
        files.add(new DebContent.Data(doc + "/changelog.gz", gzip(control.name() + " (" + control.version()
                + ") unstable; urgency=medium\n\n  * " + change + "\n\n -- " + control.maintainer() + "  "
                + RFC_2822.format(time) + "\n"), 0644));
        if (!overrides.isEmpty()) {
            StringBuilder text = new StringBuilder();
            for (Map.Entry<String, String> override : new TreeMap<>(overrides).entrySet()) {
                text.append("# ").append(override.getValue()).append('\n')
                        .append(control.name()).append(": ").append(override.getKey()).append('\n');
            }
            files.add(DebContent.Data.text("/usr/share/lintian/overrides/" + control.name(), text.toString()));
        }
        return files;
    }

    private static String copyright(String software) {
        return "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
                + "Upstream-Name: " + software + "\n"
                + "Comment: Built by djdd from the software's repository. The licence files of the software\n"
                + " and of the Python packages it installs are part of the packaged files.\n"
                + "\n"
                + "Files: *\n"
                + "Copyright: the authors of " + software + " and of the Python packages it installs\n"
                + "License: other\n"
                + " See the licence files of " + software + " and of the packages it installs.\n";
    }

    /** Gzip -9 with no name and no time in its header, so the bytes depend on the text only. */
    public static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] gzip = bytes.toByteArray();
        // The header's XFL byte says "maximum compression", as gzip -9 writes it and lintian checks.
        gzip[8] = 2;
        return gzip;
    }
}
