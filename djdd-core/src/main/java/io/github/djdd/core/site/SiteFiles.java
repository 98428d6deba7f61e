package io.github.djdd.core.site;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.deb.DebContent;
import io.github.djdd.core.deb.PackageDocs;
import io.github.djdd.core.deb.Template;
import io.github.djdd.core.env.EnvLayout;
import io.github.djdd.core.naming.Names;
import io.github.djdd.core.source.SourceLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Every file of a site package that djdd generates, rendered from the templates beside this class
 * or from the operator's copies in the project's {@code djdd/templates/} folder, which win.
 */
public final class SiteFiles {
    /** The templates an operator can override, by file name. */
    public static final List<String> TEMPLATES = List.of("nginx.conf", "gunicorn.socket", "gunicorn.service",
            "celery.service", "celerybeat.service", "maintenance.html", "control", "control.1", "logrotate", "postinst",
            "prerm", "postrm");

    private final SiteLayout layout;
    private final SiteVariant variant;
    private final DjangoSite django;
    private final Release release;
    private final Path overrides;

    /**
     * The code a site runs.
     *
     * @param commit the full commit id
     */
    public record Release(SourceLayout src, EnvLayout env, String commit) {}

    /**
     * @param overrides the project's {@code djdd/templates} folder; missing or null: djdd's own
     *     templates only
     */
    public SiteFiles(SiteLayout layout, SiteVariant variant, DjangoSite django, Release release, Path overrides) {
        this.layout = layout;
        this.variant = variant;
        this.django = django;
        this.release = release;
        this.overrides = overrides;
    }

    public String serverName() {
        return layout.serverName(variant);
    }

    public Release release() {
        return release;
    }

    /** The site's systemd units, in the order they start. */
    public List<String> units() {
        List<String> units = new ArrayList<>();
        if (variant.cache()) {
            units.add(layout.user() + "-memcached.service");
        }
        units.addAll(List.of(layout.user() + ".socket", layout.user() + ".service"));
        if (variant.celery()) {
            units.add(layout.user() + "-celery.service");
        }
        if (variant.celeryBeat()) {
            units.add(layout.user() + "-celerybeat.service");
        }
        return units;
    }

    /** The shared services the site uses: its Debian dependencies besides env and src. */
    public List<String> services() {
        List<String> services = new ArrayList<>();
        if (variant.database()) {
            services.add("postgresql");
        }
        if (variant.queue()) {
            services.add("rabbitmq-server");
        }
        if (variant.cache()) {
            services.add("memcached");
        }
        services.add("nginx");
        return services;
    }

    /** The variables every template can use, as {@code @name@}. */
    public Map<String, String> values(String version) {
        Map<String, String> values = new TreeMap<>();
        values.put("software", layout.software().value());
        values.put("variant", layout.variant().value());
        values.put("package", layout.packageName());
        values.put("user", layout.user());
        values.put("version", version);
        values.put("commit", release.commit());
        values.put("siteDir", layout.siteDir());
        values.put("stateDir", layout.stateDir());
        values.put("confDir", layout.confDir());
        values.put("logDir", layout.logDir());
        values.put("srvDir", layout.srvDir());
        values.put("socket", layout.runDir() + "/gunicorn.sock");
        values.put("cacheSocket", layout.cacheSocket());
        values.put("cacheRuntimeDir", layout.cacheSocket().substring("/run/".length(),
                layout.cacheSocket().lastIndexOf('/')));
        values.put("srcPackage", release.src().packageName());
        values.put("srcHash", release.src().commitId());
        values.put("srcDir", release.src().projectPath());
        values.put("envPackage", release.env().packageName());
        values.put("envHash", release.env().hash());
        values.put("envDir", release.env().installDir());
        values.put("serverName", serverName());
        values.put("listen", Integer.toString(variant.listen()));
        values.put("workers", Integer.toString(variant.workers()));
        values.put("celeryWorkers", Integer.toString(variant.celeryWorkers()));
        values.put("celeryApp", django.celeryApp());
        values.put("wsgiApplication", django.wsgiApplication());
        values.put("settings", django.settings());
        values.put("staticUrl", django.staticUrl().orElse(""));
        values.put("mediaUrl", django.mediaUrl().orElse(""));
        values.put("staticLocations", staticLocations());
        values.put("mediaMap", mediaMap());
        values.put("database", Boolean.toString(variant.database()));
        values.put("queue", Boolean.toString(variant.queue()));
        values.put("cache", Boolean.toString(variant.cache()));
        values.put("celery", Boolean.toString(variant.celery()));
        values.put("celeryBeat", Boolean.toString(variant.celeryBeat()));
        values.put("migrate", Boolean.toString(variant.migrate()));
        values.put("secrets", String.join(" ", variant.secrets()));
        values.put("units", String.join(" ", units()));
        values.put("services", String.join(" ", services()));
        StringJoiner after = new StringJoiner(" ");
        services().stream().filter(service -> !service.equals("nginx") && !service.equals("memcached"))
                .forEach(service -> after.add(service + ".service"));
        if (variant.cache()) {
            after.add(layout.user() + "-memcached.service");
        }
        values.put("after", after.toString());
        return values;
    }

    private String staticLocations() {
        StringBuilder out = new StringBuilder();
        django.staticUrl().ifPresent(url -> out.append("    location ").append(url).append(" {\n")
                .append("        alias ").append(layout.siteDir()).append("/static/;\n")
                .append("        expires 7d;\n")
                .append("        access_log off;\n")
                .append("    }\n"));
        django.mediaUrl().ifPresent(url -> out.append("    # Uploads are anyone's content: none may run script in this site's origin. A sandbox\n")
                .append("    # policy makes a page among them an origin of its own without scripts, types are never\n")
                .append("    # guessed, active types (HTML, SVG, XML, JavaScript) are downloads, dotfiles are not served.\n")
                .append("    location ").append(url).append(" {\n")
                .append("        alias ").append(layout.stateDir()).append("/media/;\n")
                .append("        add_header Content-Security-Policy \"sandbox; default-src 'none'\" always;\n")
                .append("        add_header X-Content-Type-Options nosniff always;\n")
                .append("        add_header Content-Disposition $").append(mediaDispositionVariable()).append(" always;\n")
                .append("        location ~ /\\. {\n")
                .append("            return 404;\n")
                .append("        }\n")
                .append("    }\n"));
        return out.toString();
    }

    /** nginx's variable for the media's Content-Disposition: one per site, since all server blocks share it. */
    private String mediaDispositionVariable() {
        return layout.user().replace('-', '_') + "_media_disposition";
    }

    /** At nginx's http level, beside the server block: which media are downloads. */
    private String mediaMap() {
        if (django.mediaUrl().isEmpty()) {
            return "";
        }
        return "map $uri $" + mediaDispositionVariable() + " {\n"
                + "    default \"\";\n"
                + "    \"~*\\.(html?|xhtml|shtml|svgz?|xml|xsl|xslt|js|mjs)$\" attachment;\n"
                + "}\n";
    }

    /** The files of the package besides the static files, each at its installed path. */
    public List<DebContent> contents(String version) throws InvalidConfigurationException {
        Map<String, String> values = values(version);
        String unitDir = "/usr/lib/systemd/system/";
        String user = layout.user();
        Map<String, String> files = new LinkedHashMap<>();
        files.put("/etc/nginx/sites-available/" + user, render("nginx.conf", values));
        files.put(unitDir + user + ".socket", render("gunicorn.socket", values));
        files.put(unitDir + user + ".service", render("gunicorn.service", values));
        if (variant.celery()) {
            files.put(unitDir + user + "-celery.service", render("celery.service", values));
        }
        if (variant.celeryBeat()) {
            files.put(unitDir + user + "-celerybeat.service", render("celerybeat.service", values));
        }
        if (variant.cache()) {
            files.put(unitDir + user + "-memcached.service", render("memcached.service", values));
        }
        files.put(layout.siteDir() + "/maintenance.html", render("maintenance.html", values));
        files.put("/etc/logrotate.d/" + user, render("logrotate", values));
        List<DebContent> contents = new ArrayList<>();
        files.forEach((path, text) -> contents.add(DebContent.Data.text(path, text)));
        // Readable for the site's group only (the postinst gives it the group); no secret belongs here.
        contents.add(new DebContent.Data(layout.confDir() + "/env", SiteEnvironment.render(environment(),
                "The environment of every process of " + layout.packageName() + " (its units and '" + user
                        + " manage'), generated by djdd.\nSecrets (SECRET_KEY, CELERY_BROKER_URL and the variant's"
                        + " <secrets>) are in secrets.env beside this\nfile, set on the server ('" + user
                        + " secret set NAME'); these values win over them.").getBytes(StandardCharsets.UTF_8), 0640));
        contents.add(new DebContent.Data("/usr/bin/" + user, render("control", values)
                .getBytes(StandardCharsets.UTF_8), 0755));
        contents.add(new DebContent.Data("/usr/share/man/man1/" + user + ".1.gz",
                PackageDocs.gzip(render("control.1", values)), 0644));
        return contents;
    }

    /** djdd's variables and the variant's own, as the site's processes see them. */
    public Map<String, String> environment() {
        return SiteEnvironment.of(layout, variant, django.settings(), serverName());
    }

    public Map<String, String> scripts(String version) throws InvalidConfigurationException {
        Map<String, String> values = values(version);
        Map<String, String> scripts = new TreeMap<>();
        for (String script : List.of("postinst", "prerm", "postrm")) {
            scripts.put(script, render(script, values));
        }
        return scripts;
    }

    private String render(String name, Map<String, String> values) throws InvalidConfigurationException {
        Path override = overrides == null ? null : overrides.resolve(name);
        if (override != null && Files.isRegularFile(override)) {
            String shown = "djdd/templates/" + name;
            String text;
            try {
                text = Files.readString(override, StandardCharsets.UTF_8);
            } catch (IOException | UncheckedIOException e) {
                throw new InvalidConfigurationException("templates", "Cannot read the project's " + shown + " ("
                        + e.getMessage() + "): make it a readable UTF-8 text file.");
            }
            try {
                return Template.of(shown, text).render(values);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException("templates", "The project's " + shown + " uses a"
                        + " placeholder djdd does not know (" + e.getMessage().replaceFirst(".* for ", "")
                        + "): use one of " + String.join(", ", values.keySet().stream().map(k -> "@" + k + "@")
                                .toList()) + ".");
            }
        }
        return Template.resource(SiteFiles.class, name).render(values);
    }

    /** Names the files in the project's {@code djdd/templates} that override nothing. */
    public List<String> unknownOverrides() throws IOException {
        if (overrides == null || !Files.isDirectory(overrides)) {
            return List.of();
        }
        try (var files = Files.list(overrides)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> !TEMPLATES.contains(name))
                    .sorted().map(Names::quote).toList();
        }
    }
}
