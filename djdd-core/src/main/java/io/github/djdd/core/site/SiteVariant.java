package io.github.djdd.core.site;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.Names;
import io.github.djdd.core.naming.VariantName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One tenant of the software as configured in {@code <variants>}: what its site package sets up.
 * Built with {@link #builder(VariantName)}, which checks every value and names the element at fault.
 *
 * @param ref the branch, tag or commit to build; null: the remote's default branch
 * @param serverName nginx's {@code server_name} and Django's {@code ALLOWED_HOSTS}; null: a
 *     {@code .localhost} name derived from the software and variant
 * @param listen nginx's port
 * @param settings the Django settings module; null: the software's
 * @param workers gunicorn's worker processes
 * @param environment extra variables for every process of the site; they win over djdd's. They
 *     are part of the package (and so of the APT repository): a secret-looking one is refused
 * @param secrets names of variables the server provides ({@code {software}-{variant} secret set
 *     NAME}), kept in the site's {@code secrets.env} beside its generated secrets, never in the package
 * @param tls HTTPS for the site, when configured
 * @param mediaServerName a host name of its own for the media (a separate origin, without the
 *     site's cookies); null: media are served at the settings' {@code MEDIA_URL} path only
 * @param probePath the path the install asks a new release for, started beside the running one,
 *     before it takes traffic
 * @param probeTimeout the seconds the new release has to answer it (and its Celery worker a ping)
 * @param celeryStopTimeout the seconds an upgrade lets the Celery worker finish its running tasks
 */
public record SiteVariant(VariantName name, String ref, String serverName, int listen, String settings,
        boolean migrate, boolean celery, int celeryWorkers, boolean celeryBeat, int workers, boolean database,
        boolean queue, boolean cache, Map<String, String> environment, List<String> secrets, Optional<Tls> tls,
        String mediaServerName, String probePath, int probeTimeout, int celeryStopTimeout) {

    /**
     * HTTPS: nginx listens on {@code port} with the certificate and key at these paths on the server
     * and sends port {@code listen} there with a 301.
     *
     * @param certificate the certificate chain (PEM), such as certbot's {@code fullchain.pem}
     * @param key its private key (PEM), such as certbot's {@code privkey.pem}
     */
    public record Tls(String certificate, String key, int port) {
        /** certbot's paths for a certificate named after {@code serverName}, its first domain. */
        static String certbot(String serverName, String file) {
            // certbot names a wildcard certificate's folder after the domain without "*."
            return "/etc/letsencrypt/live/" + (serverName.startsWith("*.") ? serverName.substring(2) : serverName)
                    + "/" + file;
        }
    }

    static final Pattern HOST_NAME = Pattern.compile(
            "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    static final Pattern ENVIRONMENT_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A path on the server that nginx's configuration and a shell script can carry unquoted. */
    static final Pattern SERVER_PATH = Pattern.compile("(/[A-Za-z0-9._+@=,-]+)+");
    static final Pattern MODULE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    /** Names that say a value is a secret. */
    static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL).*");
    /** A URL with a password in it: {@code scheme://user:password@host}. */
    static final Pattern URL_WITH_PASSWORD = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/@:\\s]*:[^/@\\s]+@.*");
    /** The secrets every site package generates on the server itself. */
    static final List<String> GENERATED_SECRETS = List.of("SECRET_KEY", "CELERY_BROKER_URL");
    /** A URL path the probe can ask for, and that a shell script carries in single quotes. */
    static final Pattern PROBE_PATH = Pattern.compile("/[A-Za-z0-9._~/?=-]{0,200}");
    /** The variable that names a database on another host. */
    static final String DATABASE_URL = "DATABASE_URL";

    public SiteVariant {
        environment = Map.copyOf(environment);
        secrets = List.copyOf(secrets);
    }

    /** A variant with every default: the one a project without {@code <variants>} gets. */
    public static SiteVariant defaults(VariantName name) {
        return new SiteVariant(name, null, null, 80, null, false, true, 2, false, 3, true, true, true, Map.of(),
                List.of(), Optional.empty(), null, "/", 60, 600);
    }

    /**
     * Whether the site's database is on another host: it has none of its own on the server, and
     * {@code DATABASE_URL} comes from {@code <secrets>} (set on each server) or {@code <environment>}.
     * The install creates nothing for it, checks that it can connect, and migrates when asked.
     */
    public boolean externalDatabase() {
        return !database && (secrets.contains(DATABASE_URL) || environment.containsKey(DATABASE_URL));
    }

    /**
     * Whether Celery's broker is on another host: the site runs Celery without a RabbitMQ vhost of
     * its own, so {@code CELERY_BROKER_URL} comes from {@code <secrets>} or {@code <environment>}.
     */
    public boolean externalBroker() {
        return celery && !queue;
    }

    public static Builder builder(VariantName name) {
        return new Builder(name);
    }

    /** The variables in a stable order. */
    public Map<String, String> sortedEnvironment() {
        return new TreeMap<>(environment);
    }

    /** Checks a Python dotted module name such as {@code mysite.settings}. */
    public static String module(String value, String setting, String what) throws InvalidConfigurationException {
        String module = value.strip();
        if (!MODULE.matcher(module).matches()) {
            throw new InvalidConfigurationException(setting, "Invalid " + what + " " + Names.quote(value)
                    + ": use a dotted Python module name such as mysite.settings.");
        }
        return module;
    }

    /** Collects the raw configured values; {@link #build()} checks them together. */
    public static final class Builder {
        private final VariantName name;
        private String ref;
        private String serverName;
        private String listen;
        private String settings;
        private Boolean migrate;
        private Boolean celery;
        private String celeryWorkers;
        private Boolean celeryBeat;
        private String workers;
        private Boolean database;
        private Boolean queue;
        private Boolean cache;
        private Map<String, String> environment = Map.of();
        private List<String> secrets = List.of();
        private Boolean tls;
        private String tlsCertificate;
        private String tlsCertificateKey;
        private String tlsListen;
        private String mediaServerName;
        private String probePath;
        private String probeTimeout;
        private String celeryStopTimeout;

        private Builder(VariantName name) {
            this.name = name;
        }

        public Builder ref(String value) {
            ref = value;
            return this;
        }

        public Builder serverName(String value) {
            serverName = value;
            return this;
        }

        public Builder listen(String value) {
            listen = Names.strippedOrNull(value);
            return this;
        }

        public Builder settings(String value) {
            settings = Names.strippedOrNull(value);
            return this;
        }

        public Builder migrate(Boolean value) {
            migrate = value;
            return this;
        }

        public Builder celery(Boolean value) {
            celery = value;
            return this;
        }

        public Builder celeryWorkers(String value) {
            celeryWorkers = Names.strippedOrNull(value);
            return this;
        }

        public Builder celeryBeat(Boolean value) {
            celeryBeat = value;
            return this;
        }

        public Builder workers(String value) {
            workers = Names.strippedOrNull(value);
            return this;
        }

        public Builder database(Boolean value) {
            database = value;
            return this;
        }

        public Builder queue(Boolean value) {
            queue = value;
            return this;
        }

        public Builder cache(Boolean value) {
            cache = value;
            return this;
        }

        public Builder environment(Map<String, String> value) {
            environment = value == null ? Map.of() : value;
            return this;
        }

        public Builder secrets(List<String> value) {
            secrets = value == null ? List.of() : value;
            return this;
        }

        /** HTTPS with certbot's certificate for the server name unless the paths are given; default false. */
        public Builder tls(Boolean value) {
            tls = value;
            return this;
        }

        public Builder tlsCertificate(String value) {
            tlsCertificate = Names.strippedOrNull(value);
            return this;
        }

        public Builder tlsCertificateKey(String value) {
            tlsCertificateKey = Names.strippedOrNull(value);
            return this;
        }

        /** nginx's HTTPS port; default 443. */
        public Builder tlsListen(String value) {
            tlsListen = Names.strippedOrNull(value);
            return this;
        }

        public Builder mediaServerName(String value) {
            mediaServerName = Names.strippedOrNull(value);
            return this;
        }

        /** The path the install probes a new release at; default {@code /}. */
        public Builder probePath(String value) {
            probePath = Names.strippedOrNull(value);
            return this;
        }

        /** Seconds for the probe's answer; default 60. */
        public Builder probeTimeout(String value) {
            probeTimeout = Names.strippedOrNull(value);
            return this;
        }

        /** Seconds the Celery worker may take to finish its tasks when it stops; default 600. */
        public Builder celeryStopTimeout(String value) {
            celeryStopTimeout = Names.strippedOrNull(value);
            return this;
        }

        public SiteVariant build() throws InvalidConfigurationException {
            SiteVariant defaults = defaults(name);
            boolean useDatabase = orDefault(database, defaults.database());
            boolean useQueue = orDefault(queue, defaults.queue());
            boolean useCelery = orDefault(celery, defaults.celery());
            boolean useMigrate = orDefault(migrate, defaults.migrate());
            Map<String, String> env = checkedEnvironment();
            List<String> names = checkedSecrets(env);
            boolean databaseUrl = names.contains(DATABASE_URL) || env.containsKey(DATABASE_URL);
            if (useMigrate && !useDatabase && !databaseUrl) {
                throw invalid("migrate", "is true but <database> is false and no DATABASE_URL names a database on"
                        + " another host: list DATABASE_URL in <secrets> for one, drop <database>false</database>"
                        + " for the site's own, or set <migrate>false</migrate>.");
            }
            if (useDatabase && names.contains(DATABASE_URL)) {
                throw invalid("secrets", "has DATABASE_URL but <database> is true, so the site's own database's URL"
                        + " is in its env file and wins: set <database>false</database> for a database on another"
                        + " host, or remove DATABASE_URL from <secrets>.");
            }
            if (useCelery && !useQueue && !env.containsKey("CELERY_BROKER_URL") && !names.contains("CELERY_BROKER_URL")) {
                throw invalid("celery", "is true but <queue> is false, so Celery has no broker: set <celery>false"
                        + "</celery>, drop <queue>false</queue>, or give CELERY_BROKER_URL in <environment> (in"
                        + " <secrets> when it holds a password).");
            }
            if (ref != null && ref.isBlank()) {
                throw invalid("ref", "is empty: name a branch, tag or commit, or leave <ref> out to build the"
                        + " remote's default branch.");
            }
            boolean beat = orDefault(celeryBeat, defaults.celeryBeat());
            if (beat && !useCelery) {
                throw invalid("celeryBeat", "is true but <celery> is false: beat is part of Celery; drop one of"
                        + " them.");
            }
            String host = hostName("serverName", serverName);
            int port = port("listen", listen, defaults.listen());
            String media = hostName("mediaServerName", mediaServerName);
            if (media != null && media.equalsIgnoreCase(host)) {
                throw invalid("mediaServerName", "is the <serverName> too: media need a host name of their own (such"
                        + " as media." + host + "), or leave <mediaServerName> out to serve them under the site's.");
            }
            return new SiteVariant(name, ref == null ? null : ref.strip(), host, port,
                    settings == null ? null : module(settings, "variants", "<settings> of variant " + name),
                    useMigrate, useCelery, count("celeryWorkers", celeryWorkers, defaults.celeryWorkers()),
                    beat, count("workers", workers, defaults.workers()), useDatabase, useQueue,
                    orDefault(cache, defaults.cache()), env, names, checkedTls(host, port), media,
                    checkedProbePath(defaults.probePath()),
                    seconds("probeTimeout", probeTimeout, defaults.probeTimeout(), 3600),
                    seconds("celeryStopTimeout", celeryStopTimeout, defaults.celeryStopTimeout(), 86400));
        }

        private String checkedProbePath(String fallback) throws InvalidConfigurationException {
            if (probePath == null) {
                return fallback;
            }
            if (!PROBE_PATH.matcher(probePath).matches()) {
                throw invalid("probePath", Names.quote(probePath) + " is not a path the probe can ask for: use a"
                        + " path from the site's root such as /health/ (letters, digits and . _ ~ / ? = -, at most"
                        + " 200).");
            }
            return probePath;
        }

        private int seconds(String element, String value, int fallback, int max) throws InvalidConfigurationException {
            return number(element, value, fallback, max, "a number of seconds");
        }

        private String hostName(String element, String value) throws InvalidConfigurationException {
            if (value == null || value.isBlank()) {
                return null;
            }
            if (value.length() > 253 || !HOST_NAME.matcher(value).matches()) {
                throw invalid(element, Names.quote(value) + " is not a host name: use one name such as"
                        + " berlin.example.com (letters, digits, hyphens and dots; no spaces, ports or paths).");
            }
            return value;
        }

        private Optional<Tls> checkedTls(String host, int httpPort) throws InvalidConfigurationException {
            boolean paths = tlsCertificate != null || tlsCertificateKey != null;
            if (tls == Boolean.FALSE && (paths || tlsListen != null)) {
                throw invalid("tls", "is false but <" + (paths ? "tlsCertificate" : "tlsListen") + "> is set:"
                        + " drop <tls>false</tls> to serve the site over HTTPS, or drop the TLS settings.");
            }
            if (tls != Boolean.TRUE && !paths && tlsListen == null) {
                return Optional.empty();
            }
            if (host == null && (tlsCertificate == null || tlsCertificateKey == null)) {
                throw invalid("tls", "needs the site's <serverName> (certbot's certificate is named after it) or"
                        + " the paths in <tlsCertificate> and <tlsCertificateKey>.");
            }
            String certificate = tlsCertificate == null ? Tls.certbot(host, "fullchain.pem")
                    : serverPath("tlsCertificate", tlsCertificate);
            String key = tlsCertificateKey == null ? Tls.certbot(host, "privkey.pem")
                    : serverPath("tlsCertificateKey", tlsCertificateKey);
            int port = port("tlsListen", tlsListen, 443);
            if (port == httpPort) {
                throw invalid("tlsListen", "is " + port + ", the <listen> port too: HTTPS needs a port of its own"
                        + " (443 by default), <listen> stays plain HTTP and redirects there.");
            }
            return Optional.of(new Tls(certificate, key, port));
        }

        private String serverPath(String element, String value) throws InvalidConfigurationException {
            if (!SERVER_PATH.matcher(value).matches() || value.contains("/../") || value.endsWith("/..")) {
                throw invalid(element, Names.quote(value) + " is not a file path nginx can take: use an absolute"
                        + " path of letters, digits and . _ + @ = , - such as /etc/letsencrypt/live/"
                        + "berlin.example.com/fullchain.pem.");
            }
            return value;
        }

        private Map<String, String> checkedEnvironment() throws InvalidConfigurationException {
            for (Map.Entry<String, String> entry : environment.entrySet()) {
                if (entry.getKey() == null || !ENVIRONMENT_KEY.matcher(entry.getKey()).matches()) {
                    throw invalid("environment", "has the key " + Names.quote(entry.getKey()) + ", which is not a"
                            + " variable name: use letters, digits and underscores, not starting with a digit.");
                }
                if (entry.getValue() != null && entry.getValue().indexOf('\0') >= 0) {
                    throw invalid("environment", "gives " + entry.getKey() + " a value with a NUL character, which"
                            + " no environment can hold: remove it.");
                }
            }
            Map<String, String> env = new TreeMap<>();
            environment.forEach((key, value) -> env.put(key, value == null ? "" : value));
            for (Map.Entry<String, String> entry : env.entrySet()) {
                if (SECRET_NAME.matcher(entry.getKey()).matches()
                        || URL_WITH_PASSWORD.matcher(entry.getValue()).matches()) {
                    throw invalid("environment", "sets " + entry.getKey() + ", which looks like a secret: <environment>"
                            + " is part of the package, readable in the APT repository and on the server; list "
                            + entry.getKey() + " in <secrets> instead and set it on the server with '{software}-"
                            + name + " secret set " + entry.getKey() + "'.");
                }
            }
            return env;
        }

        private List<String> checkedSecrets(Map<String, String> env) throws InvalidConfigurationException {
            List<String> names = new ArrayList<>();
            for (String secret : secrets) {
                String value = secret == null ? "" : secret.strip();
                if (!ENVIRONMENT_KEY.matcher(value).matches()) {
                    throw invalid("secrets", "has " + Names.quote(secret) + ", which is not a variable name: use"
                            + " letters, digits and underscores, not starting with a digit.");
                }
                if (GENERATED_SECRETS.contains(value) && !(value.equals("CELERY_BROKER_URL") && queue == Boolean.FALSE)) {
                    throw invalid("secrets", "has " + value + ", which the site package generates on the server"
                            + " itself: remove it (rotate SECRET_KEY with '{software}-" + name + " secret rotate"
                            + " SECRET_KEY').");
                }
                if (env.containsKey(value)) {
                    throw invalid("secrets", "has " + value + ", which <environment> sets too: keep it in one of"
                            + " them (in <secrets> when it is secret).");
                }
                if (!names.contains(value)) {
                    names.add(value);
                }
            }
            return names;
        }

        private int port(String element, String value, int fallback) throws InvalidConfigurationException {
            return number(element, value, fallback, 65535, "a port");
        }

        private int count(String element, String value, int fallback) throws InvalidConfigurationException {
            return number(element, value, fallback, 256, "a count");
        }

        private int number(String element, String value, int fallback, int max, String what)
                throws InvalidConfigurationException {
            if (value == null) {
                return fallback;
            }
            String text = value.strip();
            if (text.matches("[0-9]{1,6}")) {
                int number = Integer.parseInt(text);
                if (number >= 1 && number <= max) {
                    return number;
                }
            }
            throw invalid(element, Names.quote(value) + " is not " + what + ": use a whole number from 1 to " + max
                    + ".");
        }

        private InvalidConfigurationException invalid(String element, String problem) {
            return new InvalidConfigurationException("variants", "<" + element + "> of variant " + name + " "
                    + problem);
        }

        private static boolean orDefault(Boolean value, boolean fallback) {
            return value == null ? fallback : value;
        }
    }
}
