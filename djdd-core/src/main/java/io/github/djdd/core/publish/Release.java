package io.github.djdd.core.publish;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A suite's {@code Release}, the text its {@code InRelease} signs: the fields a reader checks and
 * the index files it lists with their SHA-256 and size, which bind the indices to the signature.
 *
 * @param text the Release as signed
 */
record Release(String text) {
    /** How {@code Date} and {@code Valid-Until} are written, as Debian's archive writes them. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final Pattern SHA256_LINE = Pattern.compile("^ ([0-9a-f]{64}) +(\\d{1,18}) +(\\S+)$",
            Pattern.MULTILINE);

    /**
     * An index file the Release lists.
     *
     * @param path its path under the suite, such as {@code main/binary-amd64/Packages.xz}
     */
    record Index(String path, String sha256, long size) {}

    /** The indices of the {@code SHA256} list, by path. */
    Map<String, Index> indices() {
        Map<String, Index> indices = new LinkedHashMap<>();
        Matcher line = SHA256_LINE.matcher(text);
        while (line.find()) {
            indices.put(line.group(3), new Index(line.group(3), line.group(1), Long.parseLong(line.group(2))));
        }
        return Collections.unmodifiableMap(indices);
    }

    /** The value of a one-line field, such as {@code Date}. */
    Optional<String> field(String name) {
        Matcher line = Pattern.compile("^" + Pattern.quote(name) + ":[ \\t]*(\\S.*?)[ \\t]*$", Pattern.MULTILINE)
                .matcher(text);
        return line.find() ? Optional.of(line.group(1)) : Optional.empty();
    }

    /** Whether clients fetch the indices by their SHA-256 ({@code by-hash/SHA256/...}). */
    boolean acquireByHash() {
        return field("Acquire-By-Hash").filter("yes"::equals).isPresent();
    }

    /** {@code instant} as a {@code Date} or {@code Valid-Until} field. */
    static String time(Instant instant) {
        return TIME.format(instant);
    }

    /**
     * A {@code Date} or {@code Valid-Until} value: RFC 1123 with {@code UTC}, {@code GMT} or a
     * numeric zone, as apt reads it; empty when it is no such time.
     */
    static Optional<Instant> time(String value) {
        try {
            return Optional.of(Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(value.replaceFirst(" UTC$",
                    " GMT"))));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
