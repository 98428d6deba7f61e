package io.github.djdd.core.site;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.deb.Template;
import io.github.djdd.core.naming.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where each template of a site package comes from: djdd's own, beside this class, unless a file of
 * the same name replaces it. The deployment's folder ({@code <templates>}, by default
 * {@code djdd/templates/} beside the deployment POM) may replace any: its operators are the ones
 * trusted with root on the servers. The project's {@code djdd/templates/} may replace only the
 * pages visitors see ({@link #PAGES}): the rest runs as root on every server that installs the
 * package (the maintainer scripts, the control utility, logrotate's scripts) or configures what
 * runs there (units, nginx), and whoever can push to a built branch is not trusted with that,
 * unless the deployment says so ({@code <projectTemplates>}). Where both replace a template, the
 * deployment's wins.
 */
public final class SiteTemplates {
    /** The templates that can be replaced, by file name. */
    public static final List<String> NAMES = List.of("nginx.conf", "nginx-without-tls", "gunicorn.socket",
            "gunicorn.service", "celery.service", "celerybeat.service", "memcached.service", "next.socket",
            "next.service", "next-celery.service", "maintenance.html", "control", "control.1", "logrotate", "postinst",
            "prerm", "postrm", "preflight.py");

    /** What visitors of the site see, nothing that runs or configures a service: the project may replace these. */
    public static final Set<String> PAGES = Set.of("maintenance.html");

    /** djdd's own templates, none replaced. */
    public static final SiteTemplates DJDD = new SiteTemplates(Map.of());

    /**
     * A template's replacement.
     *
     * @param described how messages name the file, for example "the project's djdd/templates/postinst"
     * @param from the folder it came from, as the build's log names it
     */
    private record Replacement(String described, String from, String text) {}

    private final Map<String, Replacement> replacements;

    private SiteTemplates(Map<String, Replacement> replacements) {
        this.replacements = Collections.unmodifiableMap(new LinkedHashMap<>(replacements));
    }

    /**
     * Reads the replacements of a commit's site packages, says in the log which templates are
     * replaced and from where, and warns of files that replace nothing.
     *
     * @param deployment the deployment's folder; null or missing: none
     * @param checkout the commit, whose project folder may hold {@code djdd/templates/}
     * @param projectMayReplaceAll whether the project may replace every template, not only the pages
     * @throws BuildFailedException when the project replaces a template it may not, naming the files
     *     and both ways to allow them
     */
    public static SiteTemplates read(Path deployment, Checkout checkout, boolean projectMayReplaceAll, Console console)
            throws DjddException {
        // The deployment's first, each folder's by name: the order the log names them in.
        Map<String, Replacement> replacements = new LinkedHashMap<>();
        Map<String, Path> deploymentFiles = deploymentFiles(deployment, console);
        for (Map.Entry<String, Path> file : deploymentFiles.entrySet()) {
            replacements.put(file.getKey(), new Replacement("the deployment's " + file.getValue(),
                    "the deployment's " + deployment, readDeployments(file.getValue())));
        }
        Map<String, Path> projectFiles = projectFiles(checkout, console);
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, Path> file : projectFiles.entrySet()) {
            String name = file.getKey();
            String shown = checkout.shown("djdd/templates/" + name);
            if (deploymentFiles.containsKey(name)) {
                console.warn("Ignoring the project's " + shown + ": the deployment's " + deploymentFiles.get(name)
                        + " replaces " + name + ".");
            } else if (projectMayReplaceAll || PAGES.contains(name)) {
                checkout.requireInside("djdd/templates/" + name);
                replacements.put(name, new Replacement("the project's " + shown, "the project's "
                        + checkout.shown("djdd/templates"), readProjects(file.getValue(), shown)));
            } else {
                refused.add(shown);
            }
        }
        if (!refused.isEmpty()) {
            boolean one = refused.size() == 1;
            throw new BuildFailedException("The project's " + String.join(", ", refused) + " would replace "
                    + (one ? "a template that runs as root or configures services" : "templates that run as root or"
                            + " configure services")
                    + " on the servers, which only the deployment may do: move " + (one ? "it" : "them")
                    + " beside the deployment POM (into its djdd/templates/, or the folder <templates> names), or set"
                    + " <projectTemplates>true</projectTemplates> if everyone who can push to the project may have"
                    + " root on the servers.");
        }
        SiteTemplates templates = new SiteTemplates(replacements);
        console.info(templates.describe());
        return templates;
    }

    /** The template {@code name}, a replacement or djdd's own. */
    Template template(String name) {
        Replacement replacement = replacements.get(name);
        return replacement == null ? Template.resource(SiteTemplates.class, name)
                : Template.of(replacement.described(), replacement.text());
    }

    /** How messages name template {@code name}'s file: "the project's djdd/templates/nginx.conf", or null for djdd's own. */
    String described(String name) {
        Replacement replacement = replacements.get(name);
        return replacement == null ? null : replacement.described();
    }

    /** The line of the build's log: which templates are replaced, and from where. */
    String describe() {
        if (replacements.isEmpty()) {
            return "Site templates: djdd's own, none replaced.";
        }
        Map<String, List<String>> byFolder = new LinkedHashMap<>();
        replacements.forEach((name, replacement) -> byFolder.computeIfAbsent(replacement.from(),
                from -> new ArrayList<>()).add(name));
        List<String> parts = new ArrayList<>();
        byFolder.forEach((from, names) -> parts.add(String.join(", ", names) + " from " + from));
        return "Site templates replaced: " + String.join("; ", parts) + ".";
    }

    private static Map<String, Path> deploymentFiles(Path folder, Console console) throws DjddException {
        // SiteOptions refused a file there.
        if (folder == null || !Files.exists(folder)) {
            return Map.of();
        }
        return files(folder, "the deployment's " + folder, console);
    }

    private static Map<String, Path> projectFiles(Checkout checkout, Console console) throws DjddException {
        Path folder = checkout.file("djdd/templates");
        if (!Files.isDirectory(folder)) {
            return Map.of();
        }
        checkout.requireInside("djdd/templates");
        return files(folder, "the project's " + checkout.shown("djdd/templates"), console);
    }

    /** The folder's templates by name; any other file is named in a warning. */
    private static Map<String, Path> files(Path folder, String shown, Console console) throws DjddException {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path file : list.sorted().toList()) {
                String name = file.getFileName().toString();
                if (NAMES.contains(name)) {
                    files.put(name, file);
                } else {
                    console.warn("Ignoring " + Names.quote(name) + " in " + shown + ": djdd has no template of that"
                            + " name (it has " + String.join(", ", NAMES) + ").");
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new DjddException("Cannot list " + shown + " (" + e.getMessage() + "): make it a folder this build"
                    + " may read.", e);
        }
        return files;
    }

    private static String readDeployments(Path file) throws InvalidConfigurationException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw new InvalidConfigurationException("templates", "Cannot read the deployment's " + file + " ("
                    + e.getMessage() + "): make it a readable UTF-8 text file.");
        }
    }

    private static String readProjects(Path file, String shown) throws BuildFailedException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            throw new BuildFailedException("Cannot read the project's " + shown + " (" + e.getMessage() + "): make"
                    + " it a UTF-8 text file.", e);
        }
    }
}
