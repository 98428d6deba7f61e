package io.github.djdd.core.site;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.deb.DebContent;
import io.github.djdd.core.deb.PackageDocs;
import io.github.djdd.core.env.EnvLayout;
import io.github.djdd.core.source.SourceLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Every file of a site package that djdd generates, rendered from djdd's templates or their
 * replacements ({@link SiteTemplates}).
 */
public final class SiteFiles {
    private final SiteLayout layout;
    private final SiteVariant variant;
    private final DjangoSite django;
    private final Release release;
    private final SiteTemplates templates;

    /**
     * The code a site runs, and the Debian release it is built for.
     *
     * @param commit the full commit id
     * @param debianRelease the major Debian release of the suite (12 for bookworm, 13 for trixie):
     *     what its nginx and OpenSSL can be told
     */
    public record Release(SourceLayout src, EnvLayout env, String commit, int debianRelease) {}

    /** @param templates the templates of the commit, djdd's own or replaced */
    public SiteFiles(SiteLayout layout, SiteVariant variant, DjangoSite django, Release release,
            SiteTemplates templates) {
        this.layout = layout;
        this.variant = variant;
        this.django = django;
        this.release = release;
        this.templates = templates;
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

    /**
     * The sandbox of every service of a site ({@code systemd-analyze security} rates each unit below
     * 2.0): no capabilities, a read-only system without homes, devices, kernel or clock access, its
     * own /tmp and mounts, other users' processes invisible, only the system calls of ordinary
     * services, no writable executable memory (CPython needs none; libffi's closures use static
     * trampolines), and no user namespace that could undo it. Each unit adds the folders it writes
     * and the socket families it uses.
     */
    static final String SANDBOX = String.join("\n",
            "# The sandbox djdd gives every service of the site.",
            "NoNewPrivileges=yes",
            "CapabilityBoundingSet=",
            "AmbientCapabilities=",
            "PrivateTmp=yes",
            "PrivateDevices=yes",
            "PrivateMounts=yes",
            "PrivateUsers=yes",
            "ProtectSystem=strict",
            "ProtectHome=yes",
            "ProtectKernelTunables=yes",
            "ProtectKernelModules=yes",
            "ProtectKernelLogs=yes",
            "ProtectControlGroups=yes",
            "ProtectClock=yes",
            "ProtectHostname=yes",
            "ProtectProc=invisible",
            "RestrictSUIDSGID=yes",
            "RestrictNamespaces=yes",
            "RestrictRealtime=yes",
            "LockPersonality=yes",
            "MemoryDenyWriteExecute=yes",
            "RemoveIPC=yes",
            "SystemCallArchitectures=native",
            "SystemCallFilter=@system-service",
            "SystemCallFilter=~@privileged",
            "SystemCallErrorNumber=EPERM");

    /**
     * {@link #SANDBOX} as systemd-run's options, one a line, for the control utility's {@code manage}:
     * each {@code --property='NAME=VALUE' \}.
     */
    static String sandboxOptions() {
        StringBuilder out = new StringBuilder();
        for (String line : SANDBOX.split("\n")) {
            if (!line.startsWith("#")) {
                out.append("        --property='").append(line).append("' \\\n");
            }
        }
        return out.toString();
    }

    /**
     * HSTS for two years, Mozilla's {@code hsts_min_age}: browsers that saw the site over HTTPS use
     * nothing else. Without {@code includeSubDomains}: other hosts under the site's name are not the
     * site's to decide.
     */
    private static final String HSTS = "add_header Strict-Transport-Security \"max-age=63072000\" always;";
    /**
     * Mozilla's intermediate configuration, Server Side TLS guidelines version 6.0 (2026-04-06,
     * ssl-config.mozilla.org/guidelines/6.0.json): TLS 1.2 and 1.3, key exchange with forward
     * secrecy and AEAD ciphers only, the client's preference among them.
     */
    static final String MOZILLA_GUIDELINE = "Mozilla's intermediate configuration, Server Side TLS guidelines 6.0"
            + " (2026-04-06)";
    static final String MOZILLA_INTERMEDIATE_CIPHERS = String.join(":", "ECDHE-ECDSA-AES128-GCM-SHA256",
            "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305");
    private static final String MEDIA_COMMENT = "    # Uploads are anyone's content: none may run script in this site's origin. A sandbox\n"
            + "    # policy makes a page among them an origin of its own without scripts, types are never\n"
            + "    # guessed, active types (HTML, SVG, XML, JavaScript) are downloads, dotfiles are not served.\n"
            + "    # Links among them are not followed: the site's code (or an archive it unpacks) could\n"
            + "    # link to anything nginx may read, another tenant's uploads among it.\n";

    /** The variables every template can use, as {@code @name@}. */
    public Map<String, String> values(String version) {
        return nginxValues(commonValues(version), true);
    }

    private Map<String, String> commonValues(String version) {
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
        values.put("nextSocket", layout.nextSocket());
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
        values.put("sandbox", SANDBOX);
        values.put("sandboxOptions", sandboxOptions());
        // gunicorn 26 opens a control socket (runtime commands to the master) unless told not to: nothing
        // of the site needs one, and under ProtectSystem it could not be created anyway.
        values.put("gunicornOptions", django.gunicornHasControlSocket() ? "--no-control-socket " : "");
        values.put("settings", django.settings());
        values.put("staticUrl", django.staticUrl().orElse(""));
        values.put("mediaUrl", django.mediaUrl().orElse(""));
        values.put("mediaMap", mediaMap());
        values.put("mediaServerName", variant.mediaServerName() == null ? "" : variant.mediaServerName());
        values.put("tls", Boolean.toString(variant.tls().isPresent()));
        values.put("tlsCertificate", variant.tls().map(SiteVariant.Tls::certificate).orElse(""));
        values.put("tlsCertificateKey", variant.tls().map(SiteVariant.Tls::key).orElse(""));
        values.put("tlsListen", variant.tls().map(tls -> Integer.toString(tls.port())).orElse(""));
        values.put("certbotDomains", "-d " + String.join(" -d ", hostNames()));
        values.put("serverNames", String.join(" ", hostNames()));
        values.put("database", Boolean.toString(variant.database()));
        values.put("queue", Boolean.toString(variant.queue()));
        values.put("cache", Boolean.toString(variant.cache()));
        values.put("celery", Boolean.toString(variant.celery()));
        values.put("celeryBeat", Boolean.toString(variant.celeryBeat()));
        values.put("migrate", Boolean.toString(variant.migrate()));
        values.put("externalDatabase", Boolean.toString(variant.externalDatabase()));
        values.put("externalBroker", Boolean.toString(variant.externalBroker()));
        values.put("probePath", variant.probePath());
        values.put("probeTimeout", Integer.toString(variant.probeTimeout()));
        values.put("celeryStopTimeout", Integer.toString(variant.celeryStopTimeout()));
        values.put("secrets", String.join(" ", variant.secrets()));
        values.put("units", String.join(" ", units()));
        // What the site runs on (the control utility's status and restart): Debian's own memcached
        // instance is not among them, the site has one of its own (a unit of the site's).
        values.put("services", String.join(" ", services().stream().filter(service -> !service.equals("memcached"))
                .toList()));
        StringJoiner after = new StringJoiner(" ");
        services().stream().filter(service -> !service.equals("nginx") && !service.equals("memcached"))
                .forEach(service -> after.add(service + ".service"));
        if (variant.cache()) {
            after.add(layout.user() + "-memcached.service");
        }
        values.put("after", after.toString());
        return values;
    }

    /**
     * The parts of nginx's configuration that differ with TLS: {@code serving} says whether the
     * block serves over HTTPS (the package's server block of a TLS variant) or port 80 only (any
     * other variant, and the fallback of a TLS variant whose certificate is not there yet).
     */
    private Map<String, String> nginxValues(Map<String, String> common, boolean serving) {
        Map<String, String> values = new TreeMap<>(common);
        Optional<SiteVariant.Tls> tls = variant.tls().filter(t -> serving);
        values.put("listenLines", listenLines(tls.map(t -> t.port() + " ssl").orElse(Integer.toString(variant.listen()))));
        values.put("tlsLines", tls.map(t -> "    ssl_certificate " + t.certificate() + ";\n"
                + "    ssl_certificate_key " + t.key() + ";\n"
                + "    # " + MOZILLA_GUIDELINE + ": TLS 1.2 and 1.3,\n"
                + "    # forward secrecy and AEAD ciphers only, the client's choice among them.\n"
                + "    ssl_protocols TLSv1.2 TLSv1.3;\n"
                + "    ssl_ecdh_curve " + keyExchangeGroups() + ";\n"
                + "    ssl_ciphers " + MOZILLA_INTERMEDIATE_CIPHERS + ";\n"
                + "    ssl_prefer_server_ciphers off;\n"
                + "    ssl_session_timeout 1d;\n"
                + "    ssl_session_cache shared:djdd_tls:10m;\n"
                + "    ssl_session_tickets off;\n"
                + "    # Browsers that saw the site over HTTPS use nothing else for two years. (nginx drops a\n"
                + "    # server's add_header in a location with add_header of its own: the media location repeats it.)\n"
                + "    " + HSTS + "\n").orElse(""));
        values.put("redirectServer", tls.map(this::redirectServer).orElse(""));
        // certbot --webroot answers its challenge on port 80, before the certificate exists and at renewals.
        values.put("acmeLocation", variant.tls().isPresent() && tls.isEmpty() ? acmeLocation() : "");
        values.put("staticLocations", staticLocations(tls.isPresent()));
        values.put("mediaServer", mediaServer(values, tls.isPresent()));
        return values;
    }

    /** The site's names in nginx: the server name, and the media host's when there is one. */
    private List<String> hostNames() {
        List<String> names = new ArrayList<>(List.of(serverName()));
        if (variant.mediaServerName() != null) {
            names.add(variant.mediaServerName());
        }
        return names;
    }

    private static String listenLines(String listen) {
        return "    listen " + listen + ";\n    listen [::]:" + listen + ";\n";
    }

    /** The logs of every server block of the site: nginx's per-site files, which purge removes. */
    private String logLines() {
        return "    access_log /var/log/nginx/" + layout.user() + ".access.log;\n"
                + "    error_log /var/log/nginx/" + layout.user() + ".error.log;\n";
    }

    private String acmeLocation() {
        return "    location ^~ /.well-known/acme-challenge/ {\n"
                + "        root " + layout.stateDir() + "/acme;\n"
                + "    }\n";
    }

    /**
     * The key exchange groups of Mozilla's intermediate configuration that the suite's OpenSSL
     * knows: the hybrid post-quantum X25519MLKEM768 first from OpenSSL 3.5 (Debian 13) on; OpenSSL
     * 3.0 (Debian 12) would refuse the name, and nginx with it.
     */
    private String keyExchangeGroups() {
        return (release.debianRelease() >= 13 ? "X25519MLKEM768:" : "") + "X25519:prime256v1:secp384r1";
    }

    /**
     * Port {@code listen}, a block per name: certbot's challenges, and a 301 to HTTPS at that name
     * for everything else. Never to the request's own host name, which a request reaching the block
     * as its port's default server chooses: a redirect anywhere. A wildcard name keeps the request's
     * host once it is one the wildcard stands for, and answers 421 otherwise.
     */
    private String redirectServer(SiteVariant.Tls tls) {
        String port = tls.port() == 443 ? "" : ":" + tls.port();
        StringBuilder out = new StringBuilder();
        for (String name : hostNames()) {
            out.append("server {\n")
                    .append(listenLines(Integer.toString(variant.listen())))
                    .append("    server_name ").append(name).append(";\n")
                    .append(logLines())
                    .append(acmeLocation())
                    .append("    location / {\n");
            if (name.startsWith("*.")) {
                out.append("        if ($host !~* \"^[a-z0-9-]+(\\.[a-z0-9-]+)*\\.")
                        .append(name.substring(2).replace(".", "\\.")).append("$\") {\n")
                        .append("            return 421;\n")
                        .append("        }\n")
                        .append("        return 301 https://$host").append(port).append("$request_uri;\n");
            } else {
                out.append("        return 301 https://").append(name).append(port).append("$request_uri;\n");
            }
            out.append("    }\n").append("}\n");
        }
        return out.toString();
    }

    private String staticLocations(boolean tls) {
        StringBuilder out = new StringBuilder();
        django.staticUrl().ifPresent(url -> out.append("    location ").append(url).append(" {\n")
                .append("        alias ").append(layout.siteDir()).append("/static/;\n")
                .append("        expires 7d;\n")
                .append("        access_log off;\n")
                .append("    }\n"));
        django.mediaUrl().ifPresent(url -> out.append(MEDIA_COMMENT)
                .append("    location ").append(url).append(" {\n")
                .append("        alias ").append(layout.stateDir()).append("/media/;\n")
                .append(mediaHeaders(tls))
                .append("    }\n"));
        return out.toString();
    }

    private String mediaHeaders(boolean tls) {
        return "        disable_symlinks on from=$document_root;\n"
                + "        add_header Content-Security-Policy \"sandbox; default-src 'none'\" always;\n"
                + "        add_header X-Content-Type-Options nosniff always;\n"
                + "        add_header Content-Disposition $" + mediaDispositionVariable() + " always;\n"
                + (tls ? "        " + HSTS + "\n" : "")
                + "        location ~ /\\. {\n"
                + "            return 404;\n"
                + "        }\n";
    }

    /** The media's own host name: a server block that serves the media folder at its root, and nothing else. */
    private String mediaServer(Map<String, String> values, boolean tls) {
        if (variant.mediaServerName() == null) {
            return "";
        }
        return "\n# The media of " + layout.packageName() + " on a host name of their own (MEDIA_HOST): another origin,\n"
                + "# without the site's cookies.\n"
                + "server {\n"
                + values.get("listenLines")
                + "    server_name " + variant.mediaServerName() + ";\n"
                + logLines()
                + values.get("tlsLines")
                // certbot's challenge for the media host's name too
                + values.get("acmeLocation")
                + MEDIA_COMMENT
                + "    location / {\n"
                + "        root " + layout.stateDir() + "/media;\n"
                + mediaHeaders(tls)
                + "    }\n"
                + "}\n";
    }

    /** nginx's variable for the media's Content-Disposition: one per site, since all server blocks share it. */
    private String mediaDispositionVariable() {
        return layout.user().replace('-', '_') + "_media_disposition";
    }

    /** At nginx's http level, beside the server block: which media are downloads. */
    private String mediaMap() {
        if (django.mediaUrl().isEmpty() && variant.mediaServerName() == null) {
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
        if (variant.tls().isPresent()) {
            // What nginx serves until the certificate is there: certbot's challenges on port 80, and 503.
            files.put(layout.siteDir() + "/nginx-without-tls", render("nginx-without-tls", nginxValues(values, false)));
        }
        files.put(unitDir + user + ".socket", render("gunicorn.socket", values));
        files.put(unitDir + user + ".service", render("gunicorn.service", values));
        // The release's own gunicorn and worker, which the postinst starts beside the site's to probe it.
        files.put(unitDir + user + "-next.socket", render("next.socket", values));
        files.put(unitDir + user + "-next.service", render("next.service", values));
        if (variant.celery()) {
            files.put(unitDir + user + "-celery.service", render("celery.service", values));
            files.put(unitDir + user + "-next-celery.service", render("next-celery.service", values));
        }
        if (variant.celeryBeat()) {
            files.put(unitDir + user + "-celerybeat.service", render("celerybeat.service", values));
        }
        if (variant.cache()) {
            files.put(unitDir + user + "-memcached.service", render("memcached.service", values));
        }
        files.put(layout.siteDir() + "/maintenance.html", render("maintenance.html", values));
        files.put(layout.siteDir() + "/preflight.py", render("preflight.py", values));
        files.put("/etc/logrotate.d/" + user, render("logrotate", values));
        List<DebContent> contents = new ArrayList<>();
        files.forEach((path, text) -> contents.add(DebContent.Data.text(path, text)));
        // Readable for the site's group only (the postinst gives it the group); no secret belongs here.
        byte[] env = SiteEnvironment.render(environment(), "The environment of every process of "
                + layout.packageName() + " (its units and '" + user + " manage'), generated by djdd.\nSecrets"
                + " (SECRET_KEY, CELERY_BROKER_URL and the variant's <secrets>) are in secrets.env beside this\nfile,"
                + " set on the server ('" + user + " secret set NAME'); these values win over them.")
                .getBytes(StandardCharsets.UTF_8);
        contents.add(new DebContent.Data(layout.confDir() + "/env", env, 0640));
        // The same, for the postinst to put back when the conffile is deleted (dpkg brings a deleted
        // conffile back only when told to): root's alone, as the copy in /etc is the site's.
        contents.add(new DebContent.Data(layout.siteDir() + "/env.default", env, 0600));
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
        try {
            return templates.template(name).render(values);
        } catch (IllegalArgumentException e) {
            String described = templates.described(name);
            if (described == null) {
                throw e;
            }
            throw new InvalidConfigurationException("templates", Character.toUpperCase(described.charAt(0))
                    + described.substring(1) + " uses a placeholder djdd does not know ("
                    + e.getMessage().replaceFirst(".* for ", "") + "): use one of " + String.join(", ",
                            values.keySet().stream().map(k -> "@" + k + "@").toList()) + ".");
        }
    }
}
