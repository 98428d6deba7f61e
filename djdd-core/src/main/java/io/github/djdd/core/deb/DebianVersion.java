package io.github.djdd.core.deb;

import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * Debian's order of package versions, as {@code dpkg --compare-versions} has it: epoch, then
 * the upstream version, then the revision, each compared by dpkg's rule (runs of non-digits
 * letter by letter, letters before other characters, {@code ~} before everything, even the
 * end; runs of digits as numbers). Retention keeps the newest site versions by this order.
 */
public final class DebianVersion {
    /** Sorts versions from oldest to newest. */
    public static final Comparator<String> ORDER = DebianVersion::compare;

    /** The rule as messages state it. */
    public static final String RULE_TEXT = "[epoch:]upstream[-revision] of letters, digits and . + ~ -, starting"
            + " with a digit";

    /**
     * deb-version(7): an optional epoch (digits and a colon), the upstream version, which starts with
     * a digit, and an optional revision after the last hyphen; no slash, so a version can name a file.
     */
    private static final Pattern SYNTAX = Pattern.compile(
            "(?:[0-9]{1,9}:)?[0-9][A-Za-z0-9.+~]*(?:-[A-Za-z0-9.+~-]*[A-Za-z0-9.+~])?");

    private DebianVersion() {}

    /** Whether {@code version} has Debian's version syntax, which {@link #compare} needs. */
    public static boolean isValid(String version) {
        return version != null && version.length() <= 256 && SYNTAX.matcher(version).matches();
    }

    public static int compare(String a, String b) {
        int epochs = Long.compare(epoch(a), epoch(b));
        if (epochs != 0) {
            return epochs;
        }
        int upstream = compareParts(upstream(a), upstream(b));
        return upstream != 0 ? upstream : compareParts(revision(a), revision(b));
    }

    private static long epoch(String version) {
        int colon = version.indexOf(':');
        return colon < 0 ? 0 : Long.parseLong(version.substring(0, colon));
    }

    private static String upstream(String version) {
        String rest = version.substring(version.indexOf(':') + 1);
        int dash = rest.lastIndexOf('-');
        return dash < 0 ? rest : rest.substring(0, dash);
    }

    private static String revision(String version) {
        String rest = version.substring(version.indexOf(':') + 1);
        int dash = rest.lastIndexOf('-');
        return dash < 0 ? "" : rest.substring(dash + 1);
    }

    /** dpkg's verrevcmp. */
    private static int compareParts(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            while ((i < a.length() && !digit(a, i)) || (j < b.length() && !digit(b, j))) {
                int left = order(a, i);
                int right = order(b, j);
                if (left != right) {
                    return Integer.compare(left, right);
                }
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            int firstDifference = 0;
            while (i < a.length() && digit(a, i) && j < b.length() && digit(b, j)) {
                if (firstDifference == 0) {
                    firstDifference = Integer.compare(a.charAt(i), b.charAt(j));
                }
                i++;
                j++;
            }
            if (i < a.length() && digit(a, i)) {
                return 1;
            }
            if (j < b.length() && digit(b, j)) {
                return -1;
            }
            if (firstDifference != 0) {
                return firstDifference;
            }
        }
        return 0;
    }

    private static boolean digit(String text, int index) {
        char c = text.charAt(index);
        return c >= '0' && c <= '9';
    }

    /** A character's weight: the end and digits 0, {@code ~} below that, letters, then the rest. */
    private static int order(String text, int index) {
        if (index >= text.length()) {
            return 0;
        }
        char c = text.charAt(index);
        if (c >= '0' && c <= '9') {
            return 0;
        }
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
            return c;
        }
        return c == '~' ? -1 : c + 256;
    }
}
