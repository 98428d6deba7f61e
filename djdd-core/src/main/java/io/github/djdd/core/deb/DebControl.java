package io.github.djdd.core.deb;

import java.util.List;

/**
 * The fields of a binary package's {@code control} file; {@link DebWriter} adds {@code Installed-Size}.
 *
 * @param name the package name
 * @param version the Debian version
 * @param architecture {@code all} or the build root's architecture
 * @param depends one relation per element, for example {@code python3 (>= 3.11)}
 * @param section the archive section
 * @param summary the one-line description
 * @param description the extended description, one paragraph per element
 */
public record DebControl(String name, String version, String architecture, String maintainer, List<String> depends,
        String section, String summary, List<String> description) {

    /** A placeholder address: set {@code <maintainer>} to the team that runs the servers. */
    public static final String DEFAULT_MAINTAINER = "djdd <djdd@example.org>";

    public DebControl {
        depends = List.copyOf(depends);
        description = List.copyOf(description);
    }

    /** The file name Debian tools expect: {@code name_version_architecture.deb}. */
    public String fileName() {
        return name + "_" + version.replaceFirst("^[0-9]+:", "") + "_" + architecture + ".deb";
    }

    /** @param installedSize in KiB */
    String render(long installedSize) {
        StringBuilder out = new StringBuilder();
        out.append("Package: ").append(name).append('\n');
        out.append("Version: ").append(version).append('\n');
        out.append("Architecture: ").append(architecture).append('\n');
        out.append("Maintainer: ").append(maintainer).append('\n');
        out.append("Installed-Size: ").append(installedSize).append('\n');
        if (!depends.isEmpty()) {
            out.append("Depends: ").append(String.join(", ", depends)).append('\n');
        }
        out.append("Section: ").append(section).append('\n');
        out.append("Priority: optional\n");
        out.append("Description: ").append(summary).append('\n');
        for (int i = 0; i < description.size(); i++) {
            if (i > 0) {
                out.append(" .\n");
            }
            wrap(description.get(i), out);
        }
        return out.toString();
    }

    /** Extended description lines stay under 80 columns, as Debian's tools expect. */
    private static void wrap(String paragraph, StringBuilder out) {
        StringBuilder line = new StringBuilder();
        for (String word : paragraph.strip().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > 72) {
                out.append(' ').append(line).append('\n');
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        out.append(' ').append(line).append('\n');
    }
}
