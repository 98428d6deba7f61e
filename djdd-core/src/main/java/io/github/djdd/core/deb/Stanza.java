package io.github.djdd.core.deb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One paragraph of a Debian control file (deb822): a package's {@code control}, an entry of a
 * {@code Packages} index. Fields keep their order and their values as written (continuation
 * lines included); names compare without case, as Debian's tools do.
 */
public final class Stanza {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> names = new LinkedHashMap<>();

    /** Every paragraph of {@code text}; blank lines separate them. */
    public static List<Stanza> parseAll(String text) {
        List<Stanza> stanzas = new ArrayList<>();
        Stanza current = null;
        String field = null;
        for (String line : text.split("\n", -1)) {
            if (line.isBlank()) {
                current = null;
                continue;
            }
            if (current != null && (line.startsWith(" ") || line.startsWith("\t")) && field != null) {
                current.put(field, current.get(field).orElseThrow() + "\n" + line);
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.startsWith("#")) {
                throw new IllegalArgumentException("Not a deb822 field: " + line);
            }
            if (current == null) {
                current = new Stanza();
                stanzas.add(current);
            }
            field = line.substring(0, colon);
            current.put(field, line.substring(colon + 1).strip());
        }
        return stanzas;
    }

    /** The single paragraph of {@code text}. */
    public static Stanza parse(String text) {
        List<Stanza> all = parseAll(text);
        if (all.size() != 1) {
            throw new IllegalArgumentException("Expected one paragraph, found " + all.size());
        }
        return all.get(0);
    }

    public Optional<String> get(String field) {
        return Optional.ofNullable(values.get(field.toLowerCase(Locale.ROOT)));
    }

    /** The value of a field that must be there. */
    public String require(String field) {
        return get(field).orElseThrow(() -> new IllegalArgumentException("No " + field + " field in:\n" + render()));
    }

    /** Sets {@code field}, keeping its place when it is there and appending it when it is not. */
    public Stanza put(String field, String value) {
        String key = field.toLowerCase(Locale.ROOT);
        names.putIfAbsent(key, field);
        values.put(key, value);
        return this;
    }

    public Stanza copy() {
        Stanza copy = new Stanza();
        values.forEach((key, value) -> copy.put(names.get(key), value));
        return copy;
    }

    /** The paragraph as text, each field on its line(s), ending with a line break. */
    public String render() {
        StringBuilder out = new StringBuilder();
        values.forEach((key, value) -> out.append(names.get(key)).append(':')
                .append(value.isEmpty() || value.startsWith("\n") ? "" : " ").append(value).append('\n'));
        return out.toString();
    }
}
