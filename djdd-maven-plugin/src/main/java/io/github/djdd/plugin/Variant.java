package io.github.djdd.plugin;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.site.SiteVariant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code <variant>} of the deployment POM: a tenant of the software with its own site
 * package, user, database and server name. Unset values take the defaults documented on each
 * field; numbers are kept as text so that djdd, not Maven, says what is wrong with them.
 *
 * @since 0.1.0
 */
public class Variant {
    /** The variant's name: 1 to 15 lowercase letters and digits, starting with a letter. */
    private String name;

    /** The branch, tag or commit this variant builds; default: the repository's default branch. */
    private String ref;

    /** nginx's {@code server_name} and Django's {@code ALLOWED_HOSTS}; default <code>{variant}.{software}.localhost</code>. */
    private String serverName;

    /** nginx's port; default 80. */
    private String listen;

    /** The Django settings module; default: the plugin's {@code <settings>}. */
    private String settings;

    /** Whether the package applies migrations on install and upgrade; default false. */
    private Boolean migrate;

    /** Whether the site runs a Celery worker; default true. */
    private Boolean celery;

    /** The Celery worker's concurrency; default 2. */
    private String celeryWorkers;

    /** Whether the site runs Celery beat; default false. */
    private Boolean celeryBeat;

    /** gunicorn's worker processes; default 3. */
    private String workers;

    /**
     * Whether the site has a PostgreSQL database of its own on the server; default true. False with
     * {@code DATABASE_URL} in {@code <secrets>}: a database on another host, which the install checks
     * it can reach and migrates when {@code <migrate>} is true.
     */
    private Boolean database;

    /**
     * Whether the site has a RabbitMQ vhost and user (Celery's broker) on the server; default true.
     * False with {@code CELERY_BROKER_URL} in {@code <secrets>}: a broker on another host, which the
     * install checks it can reach.
     */
    private Boolean queue;

    /** Whether the site uses memcached; default true. */
    private Boolean cache;

    /**
     * Extra variables for every process of the site; they win over djdd's. They are part of the
     * package, so no secret: a name or value that looks like one is refused.
     */
    private Map<String, String> environment = new LinkedHashMap<>();

    /**
     * Names of variables the server provides (<code>{software}-{variant} secret set NAME</code>),
     * kept in the site's <code>secrets.env</code>, never in the package: API keys, passwords.
     */
    private List<String> secrets = new ArrayList<>();

    /**
     * Whether nginx serves the site over HTTPS (port 80 redirects there, HSTS, {@code HTTPS=on} in
     * the environment); default false, true when a certificate path is set. Until the certificate
     * is on the server the site serves plain HTTP on port 80, with a warning.
     */
    private Boolean tls;

    /**
     * The certificate chain on the server (PEM); default certbot's
     * <code>/etc/letsencrypt/live/{serverName}/fullchain.pem</code>.
     */
    private String tlsCertificate;

    /** Its private key on the server (PEM); default certbot's <code>/etc/letsencrypt/live/{serverName}/privkey.pem</code>. */
    private String tlsCertificateKey;

    /** nginx's HTTPS port; default 443. */
    private String tlsListen;

    /**
     * A host name of the media's own (another origin, without the site's cookies), such as
     * {@code media.berlin.example.com}; {@code MEDIA_HOST} in the environment. Default: none, media
     * are served under the site's name at {@code MEDIA_URL}.
     */
    private String mediaServerName;

    /**
     * The path the install asks a new release for, started beside the running one on a socket of its
     * own, with the {@code serverName} as Host; it must answer below 500 before the site switches to
     * it. Default {@code /}.
     */
    private String probePath;

    /** The seconds the new release has to answer {@code probePath} (and its Celery worker a ping); default 60. */
    private String probeTimeout;

    /**
     * The seconds an upgrade or stop lets the Celery worker finish the tasks it runs (a warm shutdown)
     * before they are killed; default 600.
     */
    private String celeryStopTimeout;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getRef() {
        return ref;
    }

    public void setRef(String ref) {
        this.ref = ref;
    }

    public String getServerName() {
        return serverName;
    }

    public void setServerName(String serverName) {
        this.serverName = serverName;
    }

    public String getListen() {
        return listen;
    }

    public void setListen(String listen) {
        this.listen = listen;
    }

    public String getSettings() {
        return settings;
    }

    public void setSettings(String settings) {
        this.settings = settings;
    }

    public Boolean getMigrate() {
        return migrate;
    }

    public void setMigrate(Boolean migrate) {
        this.migrate = migrate;
    }

    public Boolean getCelery() {
        return celery;
    }

    public void setCelery(Boolean celery) {
        this.celery = celery;
    }

    public String getCeleryWorkers() {
        return celeryWorkers;
    }

    public void setCeleryWorkers(String celeryWorkers) {
        this.celeryWorkers = celeryWorkers;
    }

    public Boolean getCeleryBeat() {
        return celeryBeat;
    }

    public void setCeleryBeat(Boolean celeryBeat) {
        this.celeryBeat = celeryBeat;
    }

    public String getWorkers() {
        return workers;
    }

    public void setWorkers(String workers) {
        this.workers = workers;
    }

    public Boolean getDatabase() {
        return database;
    }

    public void setDatabase(Boolean database) {
        this.database = database;
    }

    public Boolean getQueue() {
        return queue;
    }

    public void setQueue(Boolean queue) {
        this.queue = queue;
    }

    public Boolean getCache() {
        return cache;
    }

    public void setCache(Boolean cache) {
        this.cache = cache;
    }

    public Map<String, String> getEnvironment() {
        return environment;
    }

    public void setEnvironment(Map<String, String> environment) {
        this.environment = environment;
    }

    public List<String> getSecrets() {
        return secrets;
    }

    public void setSecrets(List<String> secrets) {
        this.secrets = secrets;
    }

    public Boolean getTls() {
        return tls;
    }

    public void setTls(Boolean tls) {
        this.tls = tls;
    }

    public String getTlsCertificate() {
        return tlsCertificate;
    }

    public void setTlsCertificate(String tlsCertificate) {
        this.tlsCertificate = tlsCertificate;
    }

    public String getTlsCertificateKey() {
        return tlsCertificateKey;
    }

    public void setTlsCertificateKey(String tlsCertificateKey) {
        this.tlsCertificateKey = tlsCertificateKey;
    }

    public String getTlsListen() {
        return tlsListen;
    }

    public void setTlsListen(String tlsListen) {
        this.tlsListen = tlsListen;
    }

    public String getMediaServerName() {
        return mediaServerName;
    }

    public void setMediaServerName(String mediaServerName) {
        this.mediaServerName = mediaServerName;
    }

    public String getProbePath() {
        return probePath;
    }

    public void setProbePath(String probePath) {
        this.probePath = probePath;
    }

    public String getProbeTimeout() {
        return probeTimeout;
    }

    public void setProbeTimeout(String probeTimeout) {
        this.probeTimeout = probeTimeout;
    }

    public String getCeleryStopTimeout() {
        return celeryStopTimeout;
    }

    public void setCeleryStopTimeout(String celeryStopTimeout) {
        this.celeryStopTimeout = celeryStopTimeout;
    }

    /** This variant as the core checks it: every value validated, unset ones at the core's defaults. */
    SiteVariant toSiteVariant() throws InvalidConfigurationException {
        return SiteVariant.builder(VariantName.of(name)).ref(ref).serverName(serverName).listen(listen)
                .settings(settings).migrate(migrate).celery(celery).celeryWorkers(celeryWorkers).celeryBeat(celeryBeat)
                .workers(workers).database(database).queue(queue).cache(cache).environment(environment)
                .secrets(secrets).tls(tls).tlsCertificate(tlsCertificate).tlsCertificateKey(tlsCertificateKey)
                .tlsListen(tlsListen).mediaServerName(mediaServerName).probePath(probePath).probeTimeout(probeTimeout)
                .celeryStopTimeout(celeryStopTimeout).build();
    }
}
