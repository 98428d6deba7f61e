package io.github.djdd.core.site;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment every process of a site sees, 12-factor style (SPEC section 5), and the file
 * that carries it: {@code /etc/{software}-site/{variant}/env}, read both by systemd
 * ({@code EnvironmentFile=}) and by the control utility's shell ({@code . env}).
 */
public final class SiteEnvironment {
    /** What collectstatic sees instead of the secrets the target generates. */
    static final String PLACEHOLDER_SECRET_KEY = "djdd-collectstatic-placeholder-not-a-secret";

    private SiteEnvironment() {}

    /**
     * djdd's variables, then the variant's own, which win. Secrets are not here: the target
     * generates them into {@code secrets.env}.
     */
    public static Map<String, String> of(SiteLayout layout, SiteVariant variant, String settings, String serverName) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DJANGO_SETTINGS_MODULE", settings);
        env.put("PYTHONPATH", layout.stateDir() + "/src");
        if (variant.database()) {
            // Peer authentication over PostgreSQL's socket: the site user is the role, no password.
            env.put("DATABASE", layout.user());
            env.put("DATABASE_URL", "postgres:///" + layout.user());
        }
        if (variant.cache()) {
            // The site's own memcached, on a socket no other user reaches (its values are pickles).
            env.put("CACHE_URL", "pymemcache://" + layout.cacheSocket());
            env.put("MEMCACHED_LOCATION", "unix:" + layout.cacheSocket());
            env.put("CACHE_KEY_PREFIX", layout.user());
        }
        env.put("STATIC_ROOT", layout.siteDir() + "/static");
        env.put("MEDIA_ROOT", layout.stateDir() + "/media");
        env.put("SITE_TEMPLATES", layout.siteDir() + "/templates");
        env.put("ALLOWED_HOSTS", serverName.startsWith("*.") ? serverName.substring(1) : serverName);
        if (variant.tls().isPresent()) {
            // nginx serves the site over HTTPS only (and says so in X-Forwarded-Proto): settings may
            // turn on secure cookies and SECURE_PROXY_SSL_HEADER.
            env.put("HTTPS", "on");
        }
        if (variant.mediaServerName() != null) {
            env.put("MEDIA_HOST", variant.mediaServerName());
        }
        env.putAll(variant.sortedEnvironment());
        return env;
    }

    /** The environment of collectstatic at build time: the site's, with placeholders for secrets. */
    public static Map<String, String> forCollectStatic(Map<String, String> site) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SECRET_KEY", PLACEHOLDER_SECRET_KEY);
        env.put("DATABASE_URL", "sqlite:///:memory:");
        env.put("CELERY_BROKER_URL", "memory://");
        env.putAll(site);
        return env;
    }

    /**
     * One {@code KEY="value"} line per variable. Inside double quotes, systemd and the POSIX shell
     * agree: a backslash escapes {@code \ " $ `} and a newline is kept, so every value reaches the
     * service unchanged and none can end the assignment early.
     */
    public static String render(Map<String, String> env, String header) {
        StringBuilder out = new StringBuilder();
        for (String line : header.split("\n")) {
            out.append("# ").append(line).append('\n');
        }
        env.forEach((key, value) -> out.append(key).append("=\"").append(quote(value)).append("\"\n"));
        return out.toString();
    }

    static String quote(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '"' || c == '$' || c == '`') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
