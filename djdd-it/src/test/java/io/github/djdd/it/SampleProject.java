package io.github.djdd.it;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.env.PipOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * An upstream git repository made from the bundled example site (example/site: Django, gunicorn,
 * celery, psycopg; an app with a model, a static file and a celery task), with branches that
 * break it in the ways the bad-input tests need.
 */
final class SampleProject {
    static final Path SITE = Path.of(System.getProperty("djdd.it.exampleSite", "../example/site")).toAbsolutePath();
    private static final PersonIdent AUTHOR = new PersonIdent("djdd it", "it@example.org",
            Instant.parse("2026-11-01T12:00:00Z"), ZoneOffset.UTC);

    /** A file content that means: delete the file on this branch. */
    static final String DELETED = "\0deleted";

    private SampleProject() {}

    /** Creates the repository with {@code main} and one branch per entry of {@code variants}. */
    static Path create(Path dir, Map<String, Map<String, String>> variants) throws Exception {
        Path work = dir.resolve("upstream");
        copy(SITE, work);
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Example site").setAuthor(AUTHOR).setCommitter(AUTHOR).setSign(false).call();
            for (Map.Entry<String, Map<String, String>> variant : variants.entrySet()) {
                git.checkout().setName("main").call();
                git.checkout().setCreateBranch(true).setName(variant.getKey()).call();
                for (Map.Entry<String, String> file : variant.getValue().entrySet()) {
                    Path path = work.resolve(file.getKey());
                    if (file.getValue().equals(DELETED)) {
                        Files.delete(path);
                        git.rm().addFilepattern(file.getKey()).call();
                    } else {
                        Files.createDirectories(path.getParent());
                        Files.writeString(path, file.getValue());
                        git.add().addFilepattern(file.getKey()).call();
                    }
                }
                git.commit().setMessage(variant.getKey()).setAuthor(AUTHOR).setCommitter(AUTHOR).setSign(false).call();
            }
            git.checkout().setName("main").call();
        }
        return work;
    }

    /**
     * Commits {@code files} on a new branch {@code branch} made from {@code from}, at {@code time}
     * (later code for the upgrade tests: the site version follows the commit time).
     */
    static void branch(Path work, String from, String branch, Map<String, String> files, Instant time)
            throws Exception {
        PersonIdent author = new PersonIdent("djdd it", "it@example.org", time, ZoneOffset.UTC);
        try (Git git = Git.open(work.toFile())) {
            git.checkout().setName(from).call();
            git.checkout().setCreateBranch(true).setName(branch).call();
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = work.resolve(file.getKey());
                if (file.getValue().equals(DELETED)) {
                    Files.delete(path);
                    git.rm().addFilepattern(file.getKey()).call();
                    continue;
                }
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
                git.add().addFilepattern(file.getKey()).call();
            }
            git.commit().setMessage(branch).setAuthor(author).setCommitter(author).setSign(false).call();
            git.checkout().setName("main").call();
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /**
     * The same as {@link #pip()}, as the {@code PIP_*} variables of a build's environment (which
     * djdd passes to pip), for builds that run Maven as an operator would.
     */
    static Map<String, String> pipEnvironment() {
        Map<String, String> environment = new java.util.LinkedHashMap<>();
        if (Files.isDirectory(Path.of("/opt/pypi/simple"))) {
            environment.put("PIP_INDEX_URL", "file:///opt/pypi/simple");
            if (Files.isDirectory(Path.of("/opt/pypi-more/simple"))) {
                environment.put("PIP_EXTRA_INDEX_URL", "file:///opt/pypi-more/simple");
            }
        }
        Path wheelhouse = Path.of(System.getProperty("djdd.it.wheelhouse", "../../shared/wheelhouse"));
        if (Files.isDirectory(wheelhouse)) {
            environment.put("PIP_FIND_LINKS", wheelhouse.toAbsolutePath().normalize().toString());
        }
        return environment;
    }

    /**
     * The pip options of these tests: this machine's PyPI mirror and the wheelhouse beside the
     * repository when they exist, else pip's defaults (a normal index).
     */
    static PipOptions pip() throws InvalidConfigurationException {
        String index = null;
        List<String> extra = new ArrayList<>();
        if (Files.isDirectory(Path.of("/opt/pypi/simple"))) {
            index = "file:///opt/pypi/simple";
            if (Files.isDirectory(Path.of("/opt/pypi-more/simple"))) {
                extra.add("file:///opt/pypi-more/simple");
            }
        }
        List<String> findLinks = new ArrayList<>();
        Path wheelhouse = Path.of(System.getProperty("djdd.it.wheelhouse", "../../shared/wheelhouse"));
        if (Files.isDirectory(wheelhouse)) {
            findLinks.add(wheelhouse.toAbsolutePath().normalize().toString());
        }
        return PipOptions.of(index, extra, findLinks, List.of(), List.of(), Path.of("."), System.getenv());
    }
}
