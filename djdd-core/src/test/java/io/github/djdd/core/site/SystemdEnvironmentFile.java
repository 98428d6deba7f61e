package io.github.djdd.core.site;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * systemd's reading of an {@code EnvironmentFile=} (src/basic/env-file.c of systemd 252, Debian
 * 12), for the lines djdd writes: comment lines starting with {@code #} or {@code ;}, then
 * {@code KEY="value"}. Inside double quotes a backslash before {@code " \ ` $} is dropped, a
 * backslash before a newline joins the lines, any other backslash stays, and every other character,
 * newlines included, is kept. Values may hold any character but NUL (systemd 248 and later).
 */
final class SystemdEnvironmentFile {
    private SystemdEnvironmentFile() {}

    static Map<String, String> parse(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
                i++;
            } else if (c == '#' || c == ';') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else {
                int eq = text.indexOf('=', i);
                String key = text.substring(i, eq).strip();
                i = eq + 1;
                if (i >= text.length() || text.charAt(i) != '"') {
                    throw new IllegalArgumentException("djdd writes every value in double quotes: " + key);
                }
                i++;
                StringBuilder value = new StringBuilder();
                while (true) {
                    if (i >= text.length()) {
                        throw new IllegalArgumentException("Unterminated value of " + key);
                    }
                    char v = text.charAt(i++);
                    if (v == '"') {
                        break;
                    }
                    if (v == '\\') {
                        char next = text.charAt(i++);
                        if ("\"\\`$".indexOf(next) >= 0) {
                            value.append(next);
                        } else if (next != '\n') {
                            value.append('\\').append(next);
                        }
                    } else {
                        value.append(v);
                    }
                }
                // After the closing quote systemd reads on to the end of the line as more value.
                int end = text.indexOf('\n', i);
                String rest = text.substring(i, end < 0 ? text.length() : end);
                if (!rest.isBlank()) {
                    value.append(rest.strip());
                }
                i = end < 0 ? text.length() : end;
                env.put(key, value.toString());
            }
        }
        return env;
    }
}
