package io.github.djdd.it;

import com.fasterxml.jackson.jr.ob.JSON;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.env.PipOptions;
import io.github.djdd.core.store.PackageChecksum;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Lock files of a project, pinning what the test index serves with the files' real hashes, in
 * the formats uv, Poetry and pip-compile write (uv.lock version 1 revision 3, poetry.lock 2.1,
 * requirements with {@code --hash}); pip itself writes the {@code pylock.toml} ({@code pip lock}).
 * pip's resolver in a build root chooses the distributions of the project's dependencies and
 * groups for that root's Python; each dependency edge keeps its marker, so a lock resolved on
 * Python 3.11 serves newer Pythons too, where markers such as {@code python_version < "3.12"} drop
 * packages.
 */
final class LockFiles {
    private static final Pattern NAME = Pattern.compile("^\\s*([A-Za-z0-9][A-Za-z0-9._-]*)\\s*(\\[[^]]*])?");

    /** One distribution pip chose: its file, hash and the requirements of its metadata. */
    record Locked(String name, String version, String url, String sha256, List<String> requiresDist) {
        String key() {
            return normalized(name);
        }

        String fileName() {
            return url.substring(url.lastIndexOf('/') + 1);
        }
    }

    /**
     * A project: its dependencies, one dependency group and what pip chose for both.
     *
     * @param dependencies PEP 508 strings, as in {@code [project] dependencies}
     * @param group the {@code dev} group's PEP 508 strings
     */
    record Project(String name, List<String> dependencies, List<String> group, List<Locked> locked) {
        Map<String, Locked> byName() {
            Map<String, Locked> map = new TreeMap<>();
            locked.forEach(entry -> map.put(entry.key(), entry));
            return map;
        }

        /** The same project with each file's URL as {@code url} maps it (to serve the files elsewhere). */
        Project withUrls(UnaryOperator<String> url) {
            return new Project(name, dependencies, group, locked.stream().map(entry -> new Locked(entry.name(),
                    entry.version(), url.apply(entry.url()), entry.sha256(), entry.requiresDist())).toList());
        }

        /** The same project with another hash for {@code name}'s file: what an attacker who swapped it would need. */
        Project tampered(String name) {
            return new Project(this.name, dependencies, group, locked.stream().map(entry -> entry.key().equals(name)
                    ? new Locked(entry.name(), entry.version(), entry.url(), "0".repeat(64), entry.requiresDist())
                    : entry).toList());
        }
    }

    private LockFiles() {}

    static String normalized(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    /** What pip's resolver chooses in {@code root} for the dependencies and the group together. */
    static Project resolve(BuildRoot root, Path work, String name, List<String> dependencies, List<String> group)
            throws Exception {
        Path folder = Files.createDirectories(work.resolve("resolve-" + root.suite()));
        List<String> all = new ArrayList<>(dependencies);
        all.addAll(group);
        Files.writeString(folder.resolve("requirements.txt"), String.join("\n", all) + "\n");
        PipOptions pip = SampleProject.pip();
        List<String> argv = new ArrayList<>(List.of("python3", pipWheel(root) + "/pip", "install", "--dry-run",
                "--ignore-installed", "--quiet", "--report", "/run/lock/report.json", "--disable-pip-version-check"));
        argv.addAll(pip.arguments());
        argv.addAll(List.of("--requirement", "/run/lock/requirements.txt"));
        List<BindMount> binds = new ArrayList<>(List.of(new BindMount(folder, "/run/lock", false)));
        binds.addAll(pip.binds());
        root.check(RootCommand.of(argv).withBinds(binds).withEnvironment(Map.of("PIP_NO_CACHE_DIR", "1",
                "PIP_USER", "0")).quietly());
        Map<String, Object> report = JSON.std.mapFrom(Files.readString(folder.resolve("report.json")));
        List<Locked> locked = new ArrayList<>();
        for (Object item : (List<?>) report.get("install")) {
            Map<?, ?> entry = (Map<?, ?>) item;
            Map<?, ?> metadata = (Map<?, ?>) entry.get("metadata");
            Map<?, ?> download = (Map<?, ?>) entry.get("download_info");
            String url = (String) download.get("url");
            Map<?, ?> archive = (Map<?, ?>) download.get("archive_info");
            Map<?, ?> hashes = archive == null ? null : (Map<?, ?>) archive.get("hashes");
            String sha256 = hashes == null ? null : (String) hashes.get("sha256");
            if (sha256 == null) {
                sha256 = PackageChecksum.sha256(Path.of(URI.create(url)));
            }
            List<String> requires = new ArrayList<>();
            if (metadata.get("requires_dist") instanceof List<?> list) {
                list.forEach(requirement -> requires.add(String.valueOf(requirement)));
            }
            locked.add(new Locked((String) metadata.get("name"), (String) metadata.get("version"), url, sha256,
                    requires));
        }
        return new Project(name, dependencies, group, locked);
    }

    /**
     * A uv project of {@code requirements} (a requirements file's lines) resolved in {@code root}:
     * its {@code pyproject.toml} and {@code uv.lock}, which name the test index's files.
     */
    static Map<String, String> uvProject(BuildRoot root, Path work, String requirements) throws Exception {
        List<String> dependencies = requirements.lines().map(line -> line.replaceFirst("#.*", "").strip())
                .filter(line -> !line.isEmpty()).toList();
        Project project = resolve(root, work, "mysite", dependencies, List.of());
        String registry = SampleProject.pip().locations().stream()
                .filter(location -> location.option().equals("--index-url")).findFirst()
                .map(PipOptions.Location::url).orElseThrow();
        String pyproject = "[project]\nname = \"mysite\"\nversion = \"0.1.0\"\nrequires-python = \">=3.11\"\n"
                + "dependencies = [\n" + dependencies.stream().map(line -> "    \"" + line.replace("\"", "\\\"")
                + "\",\n").collect(Collectors.joining()) + "]\n";
        return Map.of("pyproject.toml", pyproject, "uv.lock", uvLock(project, registry));
    }

    /** The pylock.toml that {@code pip lock} of pip's newest wheel on the index writes in {@code root}. */
    static String pipLock(BuildRoot root, Path work, List<String> requirements) throws Exception {
        Path folder = Files.createDirectories(work.resolve("pip-lock-" + root.suite()));
        Files.writeString(folder.resolve("requirements.txt"), String.join("\n", requirements) + "\n");
        PipOptions pip = SampleProject.pip();
        List<BindMount> binds = new ArrayList<>(List.of(new BindMount(folder, "/run/lock", false)));
        binds.addAll(pip.binds());
        // pip lock is pip 25.1's: install the index's pip into a virtualenv of the root's python first
        List<String> lock = new ArrayList<>(List.of("/run/lock/venv/bin/pip", "lock", "--quiet",
                "--disable-pip-version-check", "--output", "/run/lock/pylock.toml"));
        lock.addAll(pip.arguments());
        lock.addAll(List.of("--requirement", "/run/lock/requirements.txt"));
        List<String> install = new ArrayList<>(List.of("/run/lock/venv/bin/python", pipWheel(root) + "/pip",
                "install", "--quiet", "--disable-pip-version-check", "--upgrade"));
        install.addAll(pip.arguments());
        install.add("pip>=25.1");
        root.check(RootCommand.of("sh", "-c", "python3 -m venv --without-pip /run/lock/venv && "
                + io.github.djdd.core.process.Command.join(install) + " && "
                + io.github.djdd.core.process.Command.join(lock)).withBinds(binds)
                .withEnvironment(Map.of("PIP_NO_CACHE_DIR", "1", "PIP_USER", "0")).quietly());
        return Files.readString(folder.resolve("pylock.toml"));
    }

    private static String pipWheel(BuildRoot root) throws Exception {
        try (var wheels = Files.list(root.path().resolve("usr/share/python-wheels"))) {
            return "/usr/share/python-wheels/" + wheels.map(path -> path.getFileName().toString())
                    .filter(wheel -> wheel.startsWith("pip-")).max(Comparator.naturalOrder()).orElseThrow();
        }
    }

    /** A requirement's name and the marker after its {@code ;}, "" when it has none. */
    private record Requirement(String name, String marker) {
        static Requirement of(String text) {
            Matcher matcher = NAME.matcher(text);
            if (!matcher.find()) {
                throw new IllegalArgumentException("no requirement: " + text);
            }
            int semicolon = text.indexOf(';');
            return new Requirement(normalized(matcher.group(1)), semicolon < 0 ? "" : text.substring(semicolon + 1)
                    .strip().replace('"', '\''));
        }

        /** Whether it is only an extra's requirement, which a lock without that extra leaves out. */
        boolean ofExtra() {
            return marker.matches(".*\\bextra\\s*==.*");
        }
    }

    /** The requirements of {@code entry} that pip chose a distribution for (no extras' ones). */
    private static List<Requirement> edges(List<String> requirements, Map<String, Locked> byName) {
        Map<String, Requirement> edges = new LinkedHashMap<>();
        for (String text : requirements) {
            Requirement requirement = Requirement.of(text);
            if (!requirement.ofExtra() && byName.containsKey(requirement.name())) {
                edges.putIfAbsent(requirement.name(), requirement);
            }
        }
        return edges.values().stream().sorted(Comparator.comparing(Requirement::name)).toList();
    }

    /** uv.lock as uv 0.9 writes it for a project without a build system ({@code source = { virtual = "." }}). */
    static String uvLock(Project project, String registry) {
        Map<String, Locked> byName = project.byName();
        StringBuilder out = new StringBuilder("version = 1\nrevision = 3\nrequires-python = \">=3.11\"\n");
        Map<String, String> packages = new TreeMap<>();
        for (Locked entry : byName.values()) {
            StringBuilder text = new StringBuilder("\n[[package]]\nname = \"" + entry.key() + "\"\nversion = \""
                    + entry.version() + "\"\nsource = { registry = \"" + registry + "\" }\n");
            dependencies(text, "dependencies", edges(entry.requiresDist(), byName));
            String file = "{ url = \"" + entry.url() + "\", hash = \"sha256:" + entry.sha256() + "\" }";
            if (entry.fileName().endsWith(".whl")) {
                text.append("wheels = [\n    ").append(file).append(",\n]\n");
            } else {
                text.append("sdist = ").append(file).append('\n');
            }
            packages.put(entry.key(), text.toString());
        }
        StringBuilder root = new StringBuilder("\n[[package]]\nname = \"" + project.name() + "\"\nversion = \"0.1.0\"\n"
                + "source = { virtual = \".\" }\n");
        dependencies(root, "dependencies", edges(project.dependencies(), byName));
        if (!project.group().isEmpty()) {
            root.append("\n[package.dev-dependencies]\n");
            dependencies(root, "dev", edges(project.group(), byName));
        }
        root.append("\n[package.metadata]\n");
        requiresDist(root, "requires-dist", project.dependencies());
        if (!project.group().isEmpty()) {
            root.append("\n[package.metadata.requires-dev]\n");
            requiresDist(root, "dev", project.group());
        }
        packages.put(normalized(project.name()), root.toString());
        packages.values().forEach(out::append);
        return out.toString();
    }

    private static void dependencies(StringBuilder out, String key, List<Requirement> edges) {
        if (edges.isEmpty()) {
            return;
        }
        out.append(key).append(" = [\n");
        for (Requirement edge : edges) {
            out.append("    { name = \"").append(edge.name()).append('"');
            if (!edge.marker().isEmpty()) {
                out.append(", marker = \"").append(edge.marker()).append('"');
            }
            out.append(" },\n");
        }
        out.append("]\n");
    }

    private static void requiresDist(StringBuilder out, String key, List<String> requirements) {
        out.append(key).append(" = [\n");
        for (String text : requirements) {
            Requirement requirement = Requirement.of(text);
            String rest = text.replaceFirst("^\\s*[A-Za-z0-9][A-Za-z0-9._-]*", "").split(";")[0].strip();
            out.append("    { name = \"").append(requirement.name()).append('"');
            if (!rest.isEmpty()) {
                out.append(", specifier = \"").append(rest.replace(" ", "")).append('"');
            }
            if (!requirement.marker().isEmpty()) {
                out.append(", marker = \"").append(requirement.marker()).append('"');
            }
            out.append(" },\n");
        }
        out.append("]\n");
    }

    /**
     * poetry.lock 2.1 as Poetry 2.1 writes it: each package with its groups and, where every path
     * to it is conditional, the marker under which it installs.
     */
    static String poetryLock(Project project) {
        Map<String, Locked> byName = project.byName();
        Map<String, Set<String>> groups = new TreeMap<>();
        Map<String, Set<String>> markers = new TreeMap<>();
        reach(project.dependencies(), "main", byName, groups, markers);
        reach(project.group(), "dev", byName, groups, markers);
        StringBuilder out = new StringBuilder("# This file is automatically @generated by Poetry 2.1.3 and should not"
                + " be changed by hand.\n");
        for (Locked entry : byName.values()) {
            if (!groups.containsKey(entry.key())) {
                continue;
            }
            out.append("\n[[package]]\nname = \"").append(entry.key()).append("\"\nversion = \"")
                    .append(entry.version()).append("\"\ndescription = \"\"\noptional = false\n")
                    .append("python-versions = \">=3.8\"\ngroups = [")
                    .append(groups.get(entry.key()).stream().map(group -> "\"" + group + "\"")
                            .collect(Collectors.joining(", "))).append("]\n");
            Set<String> conditions = markers.get(entry.key());
            if (!conditions.contains("")) {
                out.append("markers = \"").append(or(conditions).replace("'", "\\\"")).append("\"\n");
            }
            out.append("files = [\n    {file = \"").append(entry.fileName()).append("\", hash = \"sha256:")
                    .append(entry.sha256()).append("\"},\n]\n");
            List<Requirement> edges = edges(entry.requiresDist(), byName);
            if (!edges.isEmpty()) {
                out.append("\n[package.dependencies]\n");
                for (Requirement edge : edges) {
                    out.append(edge.name()).append(" = ").append(edge.marker().isEmpty() ? "\"*\"" : "{version = \"*\","
                            + " markers = \"" + edge.marker().replace("'", "\\\"") + "\"}").append('\n');
                }
            }
        }
        out.append("\n[metadata]\nlock-version = \"2.1\"\npython-versions = \">=3.11\"\ncontent-hash = \"")
                .append("0".repeat(64)).append("\"\n");
        return out.toString();
    }

    /** The groups and conditions (markers joined with "and", "" for none) under which each package installs. */
    private static void reach(List<String> roots, String group, Map<String, Locked> byName,
            Map<String, Set<String>> groups, Map<String, Set<String>> markers) {
        List<Map.Entry<Requirement, String>> queue = new ArrayList<>();
        edges(roots, byName).forEach(edge -> queue.add(Map.entry(edge, "")));
        while (!queue.isEmpty()) {
            Map.Entry<Requirement, String> next = queue.remove(0);
            Requirement edge = next.getKey();
            String condition = join(next.getValue(), edge.marker());
            groups.computeIfAbsent(edge.name(), key -> new LinkedHashSet<>()).add(group);
            Set<String> known = markers.computeIfAbsent(edge.name(), key -> new LinkedHashSet<>());
            if (known.contains("") || condition.length() > 400 || !known.add(condition)) {
                continue;
            }
            edges(byName.get(edge.name()).requiresDist(), byName).forEach(child -> queue.add(Map.entry(child,
                    condition)));
        }
    }

    private static String join(String first, String second) {
        if (first.isEmpty() || second.isEmpty()) {
            return first.isEmpty() ? second : first;
        }
        return first + " and " + second;
    }

    /**
     * requirements.txt as {@code pip-compile --generate-hashes} writes it, for the project's
     * dependencies (not its group), with the marker under which each conditional one installs.
     */
    static String hashedRequirements(Project project) {
        Map<String, Locked> byName = project.byName();
        Map<String, Set<String>> groups = new TreeMap<>();
        Map<String, Set<String>> markers = new TreeMap<>();
        reach(project.dependencies(), "main", byName, groups, markers);
        StringBuilder out = new StringBuilder("#\n# This file is autogenerated by pip-compile with Python 3.11\n"
                + "# by the following command:\n#\n#    pip-compile --generate-hashes\n#\n");
        for (String name : markers.keySet()) {
            Locked entry = byName.get(name);
            Set<String> conditions = markers.get(name);
            out.append(entry.key()).append("==").append(entry.version());
            if (!conditions.contains("")) {
                out.append(" ; ").append(or(conditions));
            }
            out.append(" \\\n    --hash=sha256:").append(entry.sha256()).append('\n');
        }
        return out.toString();
    }

    private static String or(Set<String> conditions) {
        return conditions.stream().map(condition -> conditions.size() > 1 ? "(" + condition + ")" : condition)
                .collect(Collectors.joining(" or "));
    }
}
