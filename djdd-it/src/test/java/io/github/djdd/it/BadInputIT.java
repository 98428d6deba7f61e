package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad input table of issue 6: real Maven ({@code mvnw}, a process of its own) runs {@code djdd:build} on a
 * deployment POM with one bad value at a time. Each run must fail, say in one sentence what is
 * wrong and how to fix it, show no djdd stack trace, and leave {@code packages/} of the shared
 * build dir exactly as it was. One good build first makes the example's env package, so the cases
 * that get as far as collectstatic reuse it and a new file in {@code packages/} would be a fault.
 * No run writes anything, so two run at once (Maven's start is most of each run's time); no other
 * class runs meanwhile, as their packages would change the listing.
 */
@Isolated
@Execution(ExecutionMode.CONCURRENT)
class BadInputIT {
    private static final String SOFTWARE = "djddbad";
    private static final String SOFTWARE_RULE = "use 2 to 16 characters: lowercase letters and digits, starting with a"
            + " letter, single hyphens between parts (pattern [a-z][a-z0-9]*(-[a-z0-9]+)*).";
    private static final String VARIANT_RULE = "use 1 to 15 lowercase letters and digits, starting with a letter"
            + " (pattern [a-z][a-z0-9]*).";

    @TempDir
    static Path dir;

    private static Path upstream;
    private static Instant started;
    private static final AtomicInteger RUNS = new AtomicInteger();

    @BeforeAll
    static void upstreamAndAGoodBuild() throws Exception {
        started = Instant.now();
        ItSupport.cachedRoot();
        upstream = SampleProject.create(dir, Map.of(
                "no-requirements", Map.of("requirements.txt", SampleProject.DELETED),
                "binary-requirements", Map.of("requirements.txt", "\u00ff\u0000\u0001garbage\u0000"),
                "include-loop", Map.of("requirements.txt", "Django>=5.2,<5.3\n-r a.txt\n", "a.txt", "-r b.txt\n",
                        "b.txt", "-r a.txt\n"),
                "missing-include", Map.of("requirements.txt", "-r nowhere.txt\n"),
                "unreadable-include", Map.of("requirements.txt", "-r base.txt\n", "base.txt/README", "a folder\n"),
                "settings-syntax", Map.of("mysite/settings.py", "SECRET_KEY = (\n"),
                "no-gunicorn", Map.of("requirements.txt", "Django>=5.2,<5.3\n"),
                "check-error", Map.of("notes/models.py", "from django.db import models\n\n\nclass Note(models.Model):\n"
                        + "    other = models.ForeignKey('nosuch.Model', on_delete=models.CASCADE)\n")));
        MavenBuild.Run good = maven(pom(SOFTWARE, "<variants><variant><name>good</name><environment>"
                + "<QUOTED>say \"hi\" and 'bye'</QUOTED><DOLLAR>$HOME `id`</DOLLAR>"
                + "</environment></variant></variants>"));
        assertThat(good.exitCode()).as(good.log()).isZero();
    }

    @AfterAll
    static void howLong() {
        System.out.println("BadInputIT: " + RUNS.get() + " Maven runs in " + Duration.between(started, Instant.now())
                .toSeconds() + " s");
    }

    static Stream<Arguments> softwareNames() {
        return Stream.of(
                Arguments.of("", "No software name configured: set <software> in the plugin's configuration or pass"
                        + " -Ddjdd.software=NAME."),
                Arguments.of("MyApp", "Invalid software name 'MyApp': " + SOFTWARE_RULE),
                Arguments.of("my app", "Invalid software name 'my app': " + SOFTWARE_RULE),
                Arguments.of("a-very-long-software", "Invalid software name 'a-very-long-software': " + SOFTWARE_RULE),
                Arguments.of("1app", "Invalid software name '1app': " + SOFTWARE_RULE),
                Arguments.of("..", "Invalid software name '..': " + SOFTWARE_RULE),
                Arguments.of("a;rm -rf /", "Invalid software name 'a;rm -rf /': " + SOFTWARE_RULE));
    }

    @ParameterizedTest(name = "software {0}")
    @MethodSource("softwareNames")
    void softwareNames(String name, String message) throws Exception {
        assertRefused(pom(null, ""), message, "-Ddjdd.software=" + name);
    }

    static Stream<Arguments> variantNames() {
        return Stream.of(
                Arguments.of("", "Invalid variant name (none): " + VARIANT_RULE),
                Arguments.of("Berlin", "Invalid variant name 'Berlin': " + VARIANT_RULE),
                Arguments.of("new york", "Invalid variant name 'new york': " + VARIANT_RULE),
                Arguments.of("averylongvariant", "Invalid variant name 'averylongvariant': " + VARIANT_RULE),
                Arguments.of("1berlin", "Invalid variant name '1berlin': " + VARIANT_RULE),
                Arguments.of("..", "Invalid variant name '..': " + VARIANT_RULE),
                Arguments.of("a;rm -rf /", "Invalid variant name 'a;rm -rf /': " + VARIANT_RULE));
    }

    @ParameterizedTest(name = "variant {0}")
    @MethodSource("variantNames")
    void variantNames(String name, String message) throws Exception {
        assertRefused(pom(SOFTWARE, "<variants><variant><name>" + xml(name) + "</name></variant></variants>"),
                message);
    }

    /** www-data is nginx's user: a site of software www, variant data would run as it. */
    @Test
    void aSiteUserNamedLikeASystemAccount() throws Exception {
        assertRefused(pom("www", "<variants><variant><name>data</name></variant></variants>"), "The software 'www'"
                + " and variant 'data' make the site user www-data, an account Debian systems have for themselves, as"
                + " which the site would run with that account's files and rights: give the variant (or the software)"
                + " another name.");
    }

    static Stream<Arguments> requirements() {
        return Stream.of(
                Arguments.of("no-requirements", "Commit %s (no-requirements) has no requirements.txt and no lock file"
                        + " (pylock.toml, uv.lock, poetry.lock): a Django project needs one there; set <projectDir> to"
                        + " the folder that holds manage.py and requirements.txt (or a lock file)."),
                Arguments.of("unreadable-include", "Cannot read base.txt (Is a directory): make it a plain requirements"
                        + " file committed in the repository."),
                Arguments.of("binary-requirements", "requirements.txt is not a text file (it holds NUL bytes): save it"
                        + " as a plain requirements file."),
                Arguments.of("include-loop", "The requirements include themselves: a.txt -> b.txt -> a.txt: remove"
                        + " one of these -r/-c lines."),
                Arguments.of("missing-include", "requirements.txt includes nowhere.txt, which does not exist: fix the"
                        + " -r/-c line or add the file."),
                Arguments.of("no-gunicorn", "requirements.txt installs no gunicorn, which serves the site on the"
                        + " server: add gunicorn to requirements.txt."));
    }

    @ParameterizedTest(name = "requirements of {0}")
    @MethodSource("requirements")
    void requirements(String branch, String message) throws Exception {
        assertRefused(pom(SOFTWARE, "<variants><variant><name>bad</name><ref>" + branch + "</ref></variant>"
                + "</variants>"), message.formatted(shortId(branch)));
    }

    static Stream<Arguments> refs() {
        return Stream.of(
                Arguments.of("-Dref=no-such-branch", "Unknown ref 'no-such-branch' in %s: use a branch, tag or commit"
                        + " of that repository (branches: binary-requirements, check-error, include-loop, main,"
                        + " missing-include, no-gunicorn, no-requirements, settings-syntax, unreadable-include)."),
                Arguments.of("-Dref=", "The ref given by -Dref is empty: name a branch, tag or commit, or leave -Dref"
                        + " out to build the default."));
    }

    @ParameterizedTest(name = "ref {0}")
    @MethodSource("refs")
    void refs(String argument, String message) throws Exception {
        assertRefused(pom(SOFTWARE, "<variants><variant><name>bad</name></variant></variants>"),
                message.formatted(upstream), argument);
    }

    static Stream<Arguments> repositories() {
        String rule = ": use a git URL (https://, ssh://, git:// or file://), user@host:path, or a folder on the build"
                + " machine.";
        return Stream.of(
                Arguments.of("ht!tp://git.example.com/x.git", "Invalid <repository> 'ht!tp://git.example.com/x.git'"
                        + rule),
                Arguments.of("https://", "Invalid <repository> 'https://'" + rule),
                Arguments.of("git repo", "Invalid <repository> 'git repo'" + rule),
                Arguments.of("/nonexistent/djdd/upstream", "The <repository> folder '/nonexistent/djdd/upstream' does"
                        + " not exist on the build machine: fix the path or use the repository's URL."),
                Arguments.of("https://glpat-badinput-7c21@git.example.com/x.git", "The <repository> URL holds credentials"
                        + " before its host (TOKEN@ or user:password@), which djdd would print and keep in the clone's"
                        + " configuration: give the URL without them, and put the username and password or token in a"
                        + " settings.xml <server> named by <repositoryServerId>, in git's credential store"
                        + " (~/.git-credentials) or in ~/.netrc."));
    }

    @ParameterizedTest(name = "repository {0}")
    @MethodSource("repositories")
    void repositoryUrls(String url, String message) throws Exception {
        // In the POM, as a deployment POM would have it: the POM's value wins over -Ddjdd.repository.
        MavenBuild.Run run = assertRefused(pom(SOFTWARE, "<variants><variant><name>bad</name></variant></variants>")
                .replaceFirst("<repository>[^<]*</repository>", "<repository>" + xml(url) + "</repository>"), message);
        assertThat(run.log()).doesNotContain("glpat-badinput-7c21");
    }

    static Stream<Arguments> settingsModules() {
        return Stream.of(
                Arguments.of("main", "<settings>mysite.nosuch</settings>", "The settings module mysite.nosuch does not"
                        + " load in commit %s: there is no such module; set <settings> (or -Ddjdd.settings) to the"
                        + " module of the project's settings, such as mysite.settings."),
                Arguments.of("settings-syntax", "", "The settings module mysite.settings does not load in commit %s:"
                        + " Python finds a syntax error in it (shown below); fix that line in the repository."));
    }

    @ParameterizedTest(name = "settings on {0}")
    @MethodSource("settingsModules")
    void settingsModules(String branch, String settings, String message) throws Exception {
        assertRefused(pom(SOFTWARE, "<variants><variant><name>bad</name><ref>" + branch + "</ref>" + settings
                + "</variant></variants>"), message.formatted(shortId(branch)));
    }

    static Stream<Arguments> projectChecks() {
        return Stream.of(
                Arguments.of("check-error", "", "Django's system checks (manage.py check) find errors in commit %s"
                        + " with the settings mysite.settings: notes.Note.other: (fields.E300) Field defines a relation"
                        + " with model 'nosuch.Model', which is either not installed, or is abstract."),
                Arguments.of("main", "-Ddjdd.celeryApp=mysite.nosuch", "The Celery app mysite.nosuch does not load"
                        + " in commit %s with the settings mysite.settings ("),
                Arguments.of("main", "-Ddjdd.failOnDeployWarnings=true", "manage.py check --deploy warns about commit"
                        + " %s with the settings mysite.settings (shown above), and <failOnDeployWarnings> makes that an"
                        + " error: fix what it names, or silence a check the site does not need in"
                        + " SILENCED_SYSTEM_CHECKS."));
    }

    @ParameterizedTest(name = "project check on {0} {1}")
    @MethodSource("projectChecks")
    void projectChecks(String branch, String argument, String message) throws Exception {
        String pom = pom(SOFTWARE, "<variants><variant><name>bad</name><ref>" + branch + "</ref></variant>"
                + "</variants>");
        if (argument.isEmpty()) {
            assertRefused(pom, message.formatted(shortId(branch)));
        } else {
            assertRefused(pom, message.formatted(shortId(branch)), argument);
        }
    }

    static Stream<Arguments> pipUrls() {
        return Stream.of("ht tp://pypi.example.com/simple", "pypi.example.com/simple", "https:///simple",
                "file://otherhost/simple").map(url -> Arguments.of(url, "Invalid <pip><indexUrl> '" + url + "': use"
                        + " an http, https or file URL."));
    }

    @ParameterizedTest(name = "pip index {0}")
    @MethodSource("pipUrls")
    void pipUrls(String url, String message) throws Exception {
        assertRefused(pom(SOFTWARE, "<variants><variant><name>bad</name></variant></variants>")
                .replaceFirst("<indexUrl>[^<]*</indexUrl>", "<indexUrl>" + xml(url) + "</indexUrl>"), message);
    }

    static Stream<Arguments> listens() {
        return Stream.of("0", "65536", "-1", "http", "80 81").map(port -> Arguments.of(port, "<listen> of variant"
                + " bad '" + port + "' is not a port: use a whole number from 1 to 65535."));
    }

    @ParameterizedTest(name = "listen {0}")
    @MethodSource("listens")
    void listen(String port, String message) throws Exception {
        assertRefused(pom(SOFTWARE, "<variants><variant><name>bad</name><listen>" + port + "</listen></variant>"
                + "</variants>"), message);
    }

    static Stream<Arguments> tlsSettings() {
        return Stream.of(
                Arguments.of("<tls>true</tls>", "<tls> of variant bad needs the site's <serverName> (certbot's"
                        + " certificate is named after it) or the paths in <tlsCertificate> and <tlsCertificateKey>."),
                Arguments.of("<serverName>bad.example.com</serverName><tlsCertificate>certs/bad.pem</tlsCertificate>",
                        "<tlsCertificate> of variant bad 'certs/bad.pem' is not a file path nginx can take: use an"
                                + " absolute path"),
                Arguments.of("<serverName>bad.example.com</serverName><tls>false</tls><tlsListen>8443</tlsListen>",
                        "<tls> of variant bad is false but <tlsListen> is set: drop <tls>false</tls> to serve the site"
                                + " over HTTPS, or drop the TLS settings."),
                Arguments.of("<serverName>bad.example.com</serverName><tls>true</tls><tlsListen>80</tlsListen>",
                        "<tlsListen> of variant bad is 80, the <listen> port too: HTTPS needs a port of its own"),
                Arguments.of("<serverName>bad.example.com</serverName><mediaServerName>bad.example.com"
                        + "</mediaServerName>", "<mediaServerName> of variant bad is the <serverName> too"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tlsSettings")
    void tls(String settings, String message) throws Exception {
        assertRefused(pom(SOFTWARE, "<variants><variant><name>bad</name>" + settings + "</variant></variants>"),
                message);
    }

    static Stream<Arguments> serverNames() {
        return Stream.of("berlin example.com", "a.example.com b.example.com", "berlin.example.com;",
                "berlin.example.com:8080").map(name -> Arguments.of(name, "<serverName> of variant bad '" + name
                        + "' is not a host name: use one name such as berlin.example.com (letters, digits, hyphens and"
                        + " dots; no spaces, ports or paths)."));
    }

    @ParameterizedTest(name = "serverName {0}")
    @MethodSource("serverNames")
    void serverName(String name, String message) throws Exception {
        assertRefused(pom(SOFTWARE, "<variants><variant><name>bad</name><serverName>" + xml(name) + "</serverName>"
                + "</variant></variants>"), message);
    }

    static Stream<Arguments> environmentKeys() {
        return Stream.concat(Stream.of("MY-KEY", "MY.KEY", "ÄRGER").map(key -> Arguments.of(key, "<environment> of"
                + " variant bad has the key '" + key + "', which is not a variable name: use letters, digits and"
                + " underscores, not starting with a digit.")), Stream.of("STRIPE_API_KEY", "SMTP_PASSWORD")
                .map(key -> Arguments.of(key, "<environment> of variant bad sets " + key + ", which looks like a"
                        + " secret: <environment> is part of the package, readable in the APT repository and on the"
                        + " server; list " + key + " in <secrets> instead and set it on the server with '{software}-bad"
                        + " secret set " + key + "'.")));
    }

    @ParameterizedTest(name = "environment key {0}")
    @MethodSource("environmentKeys")
    void environmentKeys(String key, String message) throws Exception {
        assertRefused(pom(SOFTWARE, "<variants><variant><name>bad</name><environment><" + key + ">1</" + key + ">"
                + "</environment></variant></variants>"), message);
    }

    @Test
    void environmentValuesReachTheSiteUnchanged() throws Exception {
        Path deb;
        try (Stream<Path> files = Files.list(ItSupport.cachedBuildDir().resolve("packages"))) {
            deb = files.filter(f -> f.getFileName().toString().startsWith(SOFTWARE + "-site-good_")
                    && f.toString().endsWith(".deb")).max(Comparator.comparing(f -> f.toFile().lastModified()))
                    .orElseThrow();
        }
        Path unpacked = Files.createDirectories(dir.resolve("site-good"));
        assertThat(new ProcessBuilder("dpkg-deb", "-x", deb.toString(), unpacked.toString()).inheritIO().start()
                .waitFor()).isZero();
        Path env = unpacked.resolve("etc/" + SOFTWARE + "-site/good/env");
        Process sh = new ProcessBuilder("env", "-i", "/bin/sh", "-c", "set -a; . \"$1\"; printf '%s|%s' \"$QUOTED\""
                + " \"$DOLLAR\"", "sh", env.toString()).redirectErrorStream(true).start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor()).isZero();
        assertThat(out).isEqualTo("say \"hi\" and 'bye'|$HOME `id`");
    }

    /** Runs the build and checks the four promises of the bad input table. */
    private static MavenBuild.Run assertRefused(String pom, String message, String... arguments) throws Exception {
        Path packages = ItSupport.cachedBuildDir().resolve("packages");
        Map<String, String> before = listing(packages);
        MavenBuild.Run run = maven(pom, arguments);
        assertThat(run.exitCode()).as(run.log()).isNotZero();
        assertThat(run.log()).as(run.log()).contains(message);
        assertThat(run.log()).doesNotContain("\tat io.github.djdd");
        assertThat(listing(packages)).isEqualTo(before);
        return run;
    }

    private static Map<String, String> listing(Path folder) throws IOException {
        Map<String, String> listing = new TreeMap<>();
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    listing.put(file.getFileName().toString(), attributes.size() + " "
                            + attributes.lastModifiedTime().toMillis());
                }
            }
        }
        return listing;
    }

    private static MavenBuild.Run maven(String pom, String... arguments) throws Exception {
        RUNS.incrementAndGet();
        return MavenBuild.runShort(dir, pom, arguments);
    }

    private static String pom(String software, String configuration) {
        return MavenBuild.pom(software, upstream, configuration);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String shortId(String branch) throws Exception {
        try (Git git = Git.open(upstream.toFile())) {
            return git.getRepository().resolve("refs/heads/" + branch).getName().substring(0, 12);
        }
    }
}
