package io.github.djdd.core.site;

import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;

/**
 * Where a site lives on the target and what its parts are called (SPEC section 5). A project
 * without {@code <variants>} gets the package {@code {software}-site}; everything else is named
 * as for the variant {@code default}.
 *
 * @param named whether the variant comes from {@code <variants>} (the package name carries it)
 */
public record SiteLayout(SoftwareName software, VariantName variant, boolean named) {

    public String packageName() {
        return named ? software + "-site-" + variant : software + "-site";
    }

    /** The system user and group, the database, the RabbitMQ vhost and the control utility. */
    public String user() {
        return software + "-" + variant;
    }

    private String under(String top) {
        return top + "/" + software + "-site/" + variant;
    }

    /** Static files, templates and the maintenance page: replaced by every upgrade. */
    public String siteDir() {
        return under("/usr/lib");
    }

    /** Media, the links to the running src and env, the offline flag: the site's state. */
    public String stateDir() {
        return under("/var/lib");
    }

    public String confDir() {
        return under("/etc");
    }

    public String logDir() {
        return under("/var/log");
    }

    public String srvDir() {
        return under("/srv");
    }

    public String runDir() {
        return under("/run");
    }

    /**
     * The site's own memcached's socket, in a folder of its own that only the site's user may enter
     * (systemd's {@code RuntimeDirectory} of the cache unit).
     */
    public String cacheSocket() {
        return runDir() + "-cache/memcached.sock";
    }

    /** The socket of the release being installed, started beside the running site to be probed. */
    public String nextSocket() {
        return runDir() + "-next.sock";
    }

    /** The variant's {@code serverName}, else a {@code .localhost} name of the software and variant. */
    public String serverName(SiteVariant configured) {
        if (configured.serverName() != null) {
            return configured.serverName();
        }
        return named ? variant + "." + software + ".localhost" : software + ".localhost";
    }
}
