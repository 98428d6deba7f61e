package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.deb.Compression;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.project.BuildRequest;
import io.github.djdd.core.project.ProjectBuild;
import io.github.djdd.core.site.SiteOptions;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Site packages of the example site for two variants, built in the real build root: walked as
 * archives, checked with lintian, sh/bash -n, nginx -t and systemd-analyze verify, and installed
 * into a fresh Debian without systemd (a chroot, as in an image build). Running them on a booted
 * system is {@code ServerIT}'s part. The two variants' packages are built once, by the first test
 * that needs them ({@link #built()}); the tests that build something else leave them alone.
 */
class SitePackagesIT {
    private static final SoftwareName SOFTWARE = new SoftwareName("djddit");
    private static final ProcessRunner HOST = new ProcessRunner(Console.NULL);
    private static final String GREETING = "it's \"red\" $HOME `id` \\ done";

    @TempDir
    static Path dir;

    private static BuildDir buildDir;
    private static Path upstream;
    private static List<BuiltPackage> built;

    static SiteVariant blue() {
        return SiteVariant.defaults(new VariantName("blue"));
    }

    static SiteVariant red() throws Exception {
        return SiteVariant.builder(new VariantName("red")).serverName("red.example.com").listen("8081")
                .database(false).queue(false).cache(false).celery(false).environment(Map.of("GREETING", GREETING))
                .build();
    }

    @BeforeAll
    static void makeTheUpstream() throws Exception {
        buildDir = ItSupport.buildDir();
        ItSupport.cachedRoot();
        upstream = SampleProject.create(dir, Map.of(
                "broken-settings", Map.of("mysite/settings.py", "import os\nSECRET_KEY = (\n"),
                "missing-static-file", Map.of("mysite/local.py", "from mysite.settings import *\n"
                        + "STORAGES = {'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},"
                        + " 'staticfiles': {'BACKEND':"
                        + " 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n",
                        "notes/static/notes/broken.css", "body { background: url('missing.png'); }\n"),
                "overrides", Map.of("djdd/templates/maintenance.html", "<p>@package@ @version@ is resting</p>\n",
                        "djdd/variants/red/templates/notes/index.html", "<p>red's own page</p>\n")));
        for (Path stale : sitePackages("green")) {
            Files.delete(stale);
        }
    }

    /** The packages of both variants: [env, src, site-blue, site-red], built by the first test that asks. */
    private static synchronized List<BuiltPackage> built() throws Exception {
        if (built == null) {
            built = build(List.of(blue(), red()), null, SiteOptions.DEFAULTS);
        }
        return built;
    }

    private static List<BuiltPackage> build(List<SiteVariant> variants, String ref, SiteOptions site)
            throws DjddException {
        return build(variants, true, ref, site);
    }

    private static List<BuiltPackage> build(List<SiteVariant> variants, boolean named, String ref, SiteOptions site)
            throws DjddException {
        return new ProjectBuild(new BuildRequest(buildDir, ItSupport.SUITE, SOFTWARE, upstream.toString(),
                new SiteVariants(variants, named), ref, "",
                SampleProject.pip(), new PackageSettings(DebControl.DEFAULT_MAINTAINER, Compression.DEFAULT,
                        Optional.empty()), site), new ItSupport.RecordingConsole()).run();
    }

    private static Path site(String variant) throws Exception {
        return built().stream().filter(p -> p.name().equals("djddit-site-" + variant)).findFirst().orElseThrow().file();
    }

    private static String field(Path deb, String name) throws Exception {
        return HOST.check(Command.of("dpkg-deb", "--field", deb.toString(), name).quietly()).output().get(0);
    }

    private static List<String> contents(Path deb) throws Exception {
        return HOST.check(Command.of("dpkg-deb", "--contents", deb.toString()).quietly()).output();
    }

    private static String file(Path deb, String path) throws Exception {
        return String.join("\n", HOST.check(Command.of("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -xOf - \"$2\"",
                "sh", deb.toString(), "." + path).quietly()).output());
    }

    @Test
    void bothVariantsShareOneEnvAndOneSrc() throws Exception {
        assertThat(built()).extracting(BuiltPackage::name).hasSize(4)
                .element(0).asString().matches("djddit-env-[0-9a-f]{12}");
        assertThat(built().get(1).name()).matches("djddit-src-[0-9a-f]{12}");
        assertThat(built().subList(2, 4)).extracting(BuiltPackage::name).containsExactly("djddit-site-blue",
                "djddit-site-red");
        assertThat(site("blue").getFileName().toString())
                .matches("djddit-site-blue_20261101\\.120000\\.deb" + ItSupport.RELEASE + "\\+g[0-9a-f]{12}\\.[0-9a-f]{8}_all\\.deb");
    }

    @Test
    void siteDependsOnExactlyItsEnvAndSrcAndTheServicesItUses() throws Exception {
        String pair = built().get(0).name() + ", " + built().get(1).name() + ", adduser, init-system-helpers (>= 1.54~), procps";
        assertThat(field(site("blue"), "Depends")).isEqualTo(pair + ", postgresql, rabbitmq-server, memcached, nginx");
        assertThat(field(site("red"), "Depends")).isEqualTo(pair + ", nginx");
        assertThat(field(site("red"), "Architecture")).isEqualTo("all");
    }

    @Test
    void siteHoldsStaticFilesConfigurationUnitsAndTheControlUtility() throws Exception {
        assertThat(contents(site("blue"))).allMatch(line -> line.contains(" root/root "))
                .anyMatch(line -> line.endsWith(" ./usr/lib/djddit-site/blue/static/notes/style.css"))
                .anyMatch(line -> line.endsWith(" ./usr/lib/djddit-site/blue/maintenance.html"))
                .anyMatch(line -> line.endsWith(" ./usr/lib/djddit-site/blue/templates/"))
                .anyMatch(line -> line.endsWith(" ./etc/nginx/sites-available/djddit-blue"))
                .anyMatch(line -> line.endsWith(" ./etc/djddit-site/blue/env"))
                .anyMatch(line -> line.endsWith(" ./usr/lib/systemd/system/djddit-blue.socket"))
                .anyMatch(line -> line.endsWith(" ./usr/lib/systemd/system/djddit-blue.service"))
                .anyMatch(line -> line.endsWith(" ./usr/lib/systemd/system/djddit-blue-celery.service"))
                .anyMatch(line -> line.startsWith("-rwxr-xr-x") && line.endsWith(" ./usr/bin/djddit-blue"))
                .noneMatch(line -> line.contains("./srv/") || line.contains("./var/"));
        assertThat(contents(site("red"))).noneMatch(line -> line.contains("celery"));
        assertThat(file(site("red"), "/etc/nginx/sites-available/djddit-red")).contains("listen 8081;",
                "server_name red.example.com;", "location /static/ {", "location /media/ {");
        assertThat(file(site("red"), "/etc/djddit-site/red/env")).contains(
                "ALLOWED_HOSTS=\"red.example.com\"", "GREETING=\"it's \\\"red\\\" \\$HOME \\`id\\` \\\\ done\"")
                .doesNotContain("DATABASE");
    }

    @Test
    void lintianOfTheTargetSuiteFindsNoErrors(@TempDir Path scratch) throws Exception {
        Lintian.assertNoErrors(ItSupport.SUITE, scratch, List.of(site("blue"), site("red")));
    }

    @Test
    void maintainerScriptsAndTheControlUtilityParseInShAndBash() throws Exception {
        for (String variant : List.of("blue", "red")) {
            Path control = dir.resolve("control-" + variant);
            HOST.check(Command.of("dpkg-deb", "--control", site(variant).toString(), control.toString()).quietly());
            Files.writeString(control.resolve("utility"), file(site(variant), "/usr/bin/djddit-" + variant));
            for (String script : List.of("postinst", "prerm", "postrm", "utility")) {
                for (String shell : List.of("sh", "bash")) {
                    CommandResult result = HOST.run(Command.of(shell, "-n", control.resolve(script).toString())
                            .quietly());
                    assertThat(result.succeeded()).as(shell + " -n " + variant + " " + script + ": " + result.output())
                            .isTrue();
                }
            }
        }
    }

    @Test
    void installsInAChrootWithoutSystemdAndPassesNginxAndSystemdChecks(@TempDir Path target) throws Exception {
        try {
            installInAChroot(TargetRoot.unpack(target));
        } finally {
            TargetRoot.remove(target);
        }
    }

    private static void installInAChroot(BuildRoot server) throws Exception {
        Files.writeString(server.path().resolve("usr/sbin/policy-rc.d"), "#!/bin/sh\nexit 101\n");
        server.check(RootCommand.of("chmod", "0755", "/usr/sbin/policy-rc.d"));
        List<BindMount> packages = List.of(new BindMount(buildDir.packages(), "/run/packages", true));
        Map<String, String> apt = Map.of("DEBIAN_FRONTEND", "noninteractive");
        server.check(RootCommand.of("apt-get", "update").withEnvironment(apt).withTimeout(Duration.ofMinutes(10)));
        server.check(RootCommand.of("apt-get", "install", "--yes", "--no-install-recommends", "systemd",
                "/run/packages/" + built().get(0).file().getFileName(), "/run/packages/" + built().get(1).file().getFileName(),
                "/run/packages/" + site("red").getFileName()).withBinds(packages).withEnvironment(apt)
                .withTimeout(Duration.ofMinutes(15)));
        // blue needs PostgreSQL, RabbitMQ and memcached, which a chroot cannot run: its postinst must
        // say so and go on, as in an image build.
        CommandResult blue = server.run(RootCommand.of("dpkg", "--force-depends", "--install",
                "/run/packages/" + site("blue").getFileName()).withBinds(packages));
        assertThat(blue.exitCode()).as(blue.tail(30)).isZero();
        assertThat(blue.output()).anyMatch(line -> line.contains("djddit-site-blue: PostgreSQL is not running here"
                + " (no systemd: a chroot?); the database djddit-blue will be set up by 'dpkg-reconfigure"
                + " djddit-site-blue' on the running system."));

        assertThat(server.check(RootCommand.of("nginx", "-t")).output()).anyMatch(l -> l.contains("test is successful"));
        assertThat(server.check(RootCommand.of("readlink", "/etc/nginx/sites-enabled/djddit-red", "/etc/nginx/sites-enabled/djddit-blue")).output())
                .containsExactly("../sites-available/djddit-red", "../sites-available/djddit-blue");
        List<String> units = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
        for (String unit : List.of("djddit-red.socket", "djddit-red.service", "djddit-blue.socket", "djddit-blue.service",
                "djddit-blue-celery.service")) {
            units.add("/usr/lib/systemd/system/" + unit);
        }
        CommandResult verify = server.run(RootCommand.of(units));
        assertThat(verify.exitCode()).as(verify.tail(30)).isZero();
        assertThat(verify.output()).noneMatch(line -> line.contains("djddit-"));

        assertThat(server.check(RootCommand.of("stat", "-c", "%a %U %G", "/etc/djddit-site/red/secrets.env",
                "/var/lib/djddit-site/red/media", "/var/log/djddit-site/red")).output())
                .containsExactly("640 root djddit-red", "2750 djddit-red www-data", "2750 djddit-red adm");
        assertThat(Files.readString(server.path().resolve("etc/djddit-site/red/secrets.env")))
                .matches("SECRET_KEY=\"[0-9a-f]{64}\"\n");
        assertThat(Files.readString(server.path().resolve("etc/djddit-site/blue/secrets.env")))
                .matches("SECRET_KEY=\"[0-9a-f]{64}\"\nCELERY_BROKER_URL=\"amqp://djddit-blue:[0-9a-f]{64}@localhost:5672/djddit-blue\"\n");
        String srcDir = "/usr/lib/djddit-src/" + built().get(1).name().substring("djddit-src-".length());
        assertThat(server.check(RootCommand.of("readlink", "/var/lib/djddit-site/red/src", "/srv/djddit-site/red/src",
                "/srv/djddit-site/red/logs")).output()).containsExactly(srcDir, "/var/lib/djddit-site/red/src",
                "/var/log/djddit-site/red");
        assertThat(server.check(RootCommand.of("find", "/", "-xdev", "-perm", "-o+w", "-path", "*djddit*", "!", "-type",
                "l")).output()).as("world-writable").isEmpty();

        CommandResult version = server.check(RootCommand.of("djddit-red", "version"));
        assertThat(version.output()).anyMatch(line -> line.startsWith("src  " + srcDir.substring(srcDir.lastIndexOf('/') + 1)));
        CommandResult check = server.check(RootCommand.of("djddit-red", "manage", "check"));
        assertThat(check.output()).contains("System check identified no issues (0 silenced).");
        CommandResult greeting = server.check(RootCommand.of("djddit-red", "manage", "shell", "-c",
                "import os, sys; sys.stdout.write(os.environ['GREETING'] + '|' + os.environ['DJANGO_SETTINGS_MODULE'])"));
        assertThat(String.join("\n", greeting.output())).endsWith(GREETING + "|mysite.settings");
        assertThat(server.run(RootCommand.of("djddit-red", "frobnicate")).exitCode()).isEqualTo(2);

        // A second configure changes nothing: same files, owners, modes, links and secrets.
        String snapshot = "find /etc/djddit-site /var/lib/djddit-site /var/log/djddit-site /srv/djddit-site"
                + " /etc/nginx/sites-enabled -printf '%p %m %u %g %l\\n' | sort; cat /etc/djddit-site/*/secrets.env";
        List<String> before = server.check(RootCommand.of("sh", "-c", snapshot).quietly()).output();
        server.check(RootCommand.of("sh", "-c", "/var/lib/dpkg/info/djddit-site-red.postinst configure"
                + " $(dpkg-query -W -f '${Version}' djddit-site-red)"));
        assertThat(server.check(RootCommand.of("sh", "-c", snapshot).quietly()).output()).isEqualTo(before);

        server.check(RootCommand.of("dpkg", "--purge", "djddit-site-red"));
        for (String gone : List.of("etc/djddit-site/red", "var/log/djddit-site/red", "srv/djddit-site/red",
                "etc/nginx/sites-enabled/djddit-red", "var/lib/djddit-site/red/src", "usr/bin/djddit-red")) {
            assertThat(server.path().resolve(gone)).as(gone).doesNotExist();
        }
        assertThat(server.path().resolve("var/lib/djddit-site/red/media")).as("media survives purge").isDirectory();
        assertThat(server.run(RootCommand.of("getent", "passwd", "djddit-red")).exitCode()).isZero();
        server.check(RootCommand.of("nginx", "-t"));
    }

    /** The maintenance page is the one template a project replaces without {@code <projectTemplates>}. */
    @Test
    void theProjectsMaintenancePageAndVariantTemplatesAreInThePackageAndTheVersionCanBeSet() throws Exception {
        List<BuiltPackage> overridden = build(List.of(red()), "overrides", SiteOptions.of(null, null, null, "42"));
        Path red = overridden.get(2).file();

        assertThat(red.getFileName().toString()).isEqualTo("djddit-site-red_42+deb" + ItSupport.RELEASE + "_all.deb");
        assertThat(file(red, "/usr/lib/djddit-site/red/maintenance.html")).isEqualTo("<p>djddit-site-red 42+deb" + ItSupport.RELEASE
                + " is resting</p>");
        assertThat(file(red, "/usr/lib/djddit-site/red/templates/notes/index.html")).isEqualTo("<p>red's own page</p>");
        Files.delete(red);
        Files.delete(PackageChecksum.fileFor(red));
    }

    @Test
    void settingsModuleThatDoesNotExistFailsAndMakesNoSitePackage() throws Exception {
        SiteVariant green = SiteVariant.builder(new VariantName("green")).settings("mysite.nosuch").build();

        assertThatThrownBy(() -> build(List.of(green), null, SiteOptions.DEFAULTS))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("The settings module mysite.nosuch does not load in commit ")
                .hasMessageContaining("there is no such module; set <settings> (or -Ddjdd.settings)")
                .hasMessageContaining("ModuleNotFoundError: No module named 'mysite.nosuch'");
        assertThat(sitePackages("green")).isEmpty();
    }

    @Test
    void settingsWithASyntaxErrorFailWithPythonsError() throws Exception {
        SiteVariant green = SiteVariant.defaults(new VariantName("green"));

        assertThatThrownBy(() -> build(List.of(green), "broken-settings", SiteOptions.DEFAULTS))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("The settings module mysite.settings does not load")
                .hasMessageContaining("Python finds a syntax error in it (shown below); fix that line in the"
                        + " repository.")
                .hasMessageContaining("SyntaxError");
        assertThat(sitePackages("green")).isEmpty();
    }

    @Test
    void withoutVariantsTheSiteIsNamedAfterTheSoftwareAlone() throws Exception {
        Path site = build(List.of(SiteVariant.defaults(VariantName.DEFAULT)), false, null, SiteOptions.DEFAULTS)
                .get(2).file();

        assertThat(site.getFileName().toString()).startsWith("djddit-site_");
        assertThat(contents(site)).anyMatch(line -> line.endsWith(" ./usr/bin/djddit-default"))
                .anyMatch(line -> line.endsWith(" ./usr/lib/djddit-site/default/static/notes/style.css"));
        assertThat(file(site, "/etc/nginx/sites-available/djddit-default")).contains("server_name djddit.localhost;");
        Files.delete(site);
        Files.delete(PackageChecksum.fileFor(site));
    }

    @Test
    void failingCollectstaticFailsWithDjangosErrorAndMakesNoSitePackage() throws Exception {
        SiteVariant green = SiteVariant.builder(new VariantName("green")).settings("mysite.local").build();

        assertThatThrownBy(() -> build(List.of(green), "missing-static-file", SiteOptions.DEFAULTS))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("collectstatic failed for djddit-site-green (exit code 1) with the settings"
                        + " mysite.local: fix the error Django shows below.")
                .hasMessageContaining("The file 'notes/missing.png' could not be found");
        assertThat(sitePackages("green")).isEmpty();
    }

    private static List<Path> sitePackages(String variant) throws Exception {
        Files.createDirectories(buildDir.packages());
        try (Stream<Path> files = Files.list(buildDir.packages())) {
            return files.filter(f -> f.getFileName().toString().startsWith("djddit-site-" + variant)).toList();
        }
    }
}
