package io.github.djdd.core.site;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.Names;
import io.github.djdd.core.naming.VariantName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 */
public record SiteVariant(VariantName name, String ref, String serverName, int listen, String settings,
        boolean migrate, boolean celery, int celeryWorkers, boolean celeryBeat, int workers, boolean database,
        boolean queue, boolean cache, Map<String, String> environment, List<String> secrets) {

    static final Pattern HOST_NAME = Pattern.compile(
            "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    static final Pattern ENVIRONMENT_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final Pattern MODULE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
    /** Names that say a value is a secret. */
    static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL).*");
    /** A URL with a password in it: {@code scheme://user:password@host}. */
    static final Pattern URL_WITH_PASSWORD = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/@:\\s]*:[^/@\\s]+@.*");
    /** The secrets every site package generates on the server itself. */
    static final List<String> GENERATED_SECRETS = List.of("SECRET_KEY", "CELERY_BROKER_URL");

    public SiteVariant {
        environment = Map.copyOf(environment);
        secrets = List.copyOf(secrets);
    }

    /** A variant with every default: the one a project without {@code <variants>} gets. */
    public static SiteVariant defaults(VariantName name) {
        return new SiteVariant(name, null, null, 80, null, false, true, 2, false, 3, true, true, true, Map.of(),
                List.of());
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

        public SiteVariant build() throws InvalidConfigurationException {
            SiteVariant defaults = defaults(name);
            boolean useDatabase = orDefault(database, defaults.database());
            boolean useQueue = orDefault(queue, defaults.queue());
            boolean useCelery = orDefault(celery, defaults.celery());
            boolean useMigrate = orDefault(migrate, defaults.migrate());
            Map<String, String> env = checkedEnvironment();
            List<String> names = checkedSecrets(env);
            if (useMigrate && !useDatabase) {
                throw invalid("migrate", "is true but <database> is false: migrate needs the site's database;"
                        + " set <migrate>false</migrate> or drop <database>false</database>.");
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
            return new SiteVariant(name, ref == null ? null : ref.strip(), checkedServerName(), number("listen", listen, defaults.listen(), 65535),
                    settings == null ? null : module(settings, "variants", "<settings> of variant " + name),
                    useMigrate, useCelery, number("celeryWorkers", celeryWorkers, defaults.celeryWorkers(), 256),
                    beat, number("workers", workers, defaults.workers(), 256), useDatabase, useQueue,
                    orDefault(cache, defaults.cache()), env, names);
        }

        private String checkedServerName() throws InvalidConfigurationException {
            if (serverName == null || serverName.isBlank()) {
                return null;
            }
            if (serverName.length() > 253 || !HOST_NAME.matcher(serverName).matches()) {
                throw invalid("serverName", Names.quote(serverName) + " is not a host name: use one name such as"
                        + " berlin.example.com (letters, digits, hyphens and dots; no spaces, ports or paths).");
            }
            return serverName;
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

        private int number(String element, String value, int fallback, int max) throws InvalidConfigurationException {
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
            String what = element.equals("listen") ? "a port" : "a count";
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
