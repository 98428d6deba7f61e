package io.github.djdd.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.VariantName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SiteVariantTest {
    private static final VariantName BLUE = new VariantName("blue");

    @Test
    void unsetValuesTakeTheDocumentedDefaults() throws Exception {
        SiteVariant variant = SiteVariant.builder(BLUE).build();
        assertThat(variant).isEqualTo(SiteVariant.defaults(BLUE));
        assertThat(variant.listen()).isEqualTo(80);
        assertThat(variant.migrate()).isFalse();
        assertThat(variant.celery()).isTrue();
        assertThat(variant.celeryBeat()).isFalse();
        assertThat(variant.database() && variant.queue() && variant.cache()).isTrue();
        assertThat(variant.workers()).isEqualTo(3);
        assertThat(variant.celeryWorkers()).isEqualTo(2);
        assertThat(variant.serverName()).isNull();
        assertThat(variant.probePath()).isEqualTo("/");
        assertThat(variant.probeTimeout()).isEqualTo(60);
        assertThat(variant.celeryStopTimeout()).isEqualTo(600);
        assertThat(variant.externalDatabase() || variant.externalBroker()).isFalse();
    }

    @Test
    void configuredValuesAreKept() throws Exception {
        SiteVariant variant = SiteVariant.builder(BLUE).ref(" release ").serverName("berlin.example.com")
                .listen(" 8080 ").settings("mysite.settings.production").migrate(true).celeryBeat(true)
                .workers("5").celeryWorkers("4").cache(false).environment(Map.of("DEBUG", "0")).build();
        assertThat(variant.ref()).isEqualTo("release");
        assertThat(variant.serverName()).isEqualTo("berlin.example.com");
        assertThat(variant.listen()).isEqualTo(8080);
        assertThat(variant.settings()).isEqualTo("mysite.settings.production");
        assertThat(variant.migrate()).isTrue();
        assertThat(variant.celeryBeat()).isTrue();
        assertThat(variant.workers()).isEqualTo(5);
        assertThat(variant.celeryWorkers()).isEqualTo(4);
        assertThat(variant.cache()).isFalse();
        assertThat(variant.environment()).containsExactly(Map.entry("DEBUG", "0"));
    }

    @Test
    void probeAndCeleryStopSettingsAreKept() throws Exception {
        SiteVariant variant = SiteVariant.builder(BLUE).probePath(" /health/?full=1 ").probeTimeout("15")
                .celeryStopTimeout("3600").build();
        assertThat(variant.probePath()).isEqualTo("/health/?full=1");
        assertThat(variant.probeTimeout()).isEqualTo(15);
        assertThat(variant.celeryStopTimeout()).isEqualTo(3600);
    }

    @ParameterizedTest
    @ValueSource(strings = {"health/", "/health page/", "/a'b", "/a$b", "/a&b", "http://example.com/"})
    void probePathMustBeAPathFromTheRoot(String path) {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).probePath(path).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<probePath> of variant blue '" + path + "' is not a path the probe can ask for: use a"
                        + " path from the site's root such as /health/ (letters, digits and . _ ~ / ? = -, at most"
                        + " 200).");
    }

    @Test
    void timeoutsAreSeconds() {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).probeTimeout("1m").build())
                .hasMessage("<probeTimeout> of variant blue '1m' is not a number of seconds: use a whole number from 1"
                        + " to 3600.");
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).celeryStopTimeout("0").build())
                .hasMessage("<celeryStopTimeout> of variant blue '0' is not a number of seconds: use a whole number"
                        + " from 1 to 86400.");
    }

    @Test
    void aDatabaseAndBrokerOnOtherHostsComeFromSecrets() throws Exception {
        SiteVariant variant = SiteVariant.builder(BLUE).database(false).queue(false).migrate(true)
                .secrets(List.of("DATABASE_URL", "CELERY_BROKER_URL")).build();
        assertThat(variant.externalDatabase()).isTrue();
        assertThat(variant.externalBroker()).isTrue();
        assertThat(variant.migrate()).isTrue();
        SiteVariant withoutPassword = SiteVariant.builder(BLUE).database(false).celery(false)
                .environment(Map.of("DATABASE_URL", "postgres://db.example.com/blue")).build();
        assertThat(withoutPassword.externalDatabase()).isTrue();
        assertThat(withoutPassword.externalBroker()).isFalse();
        assertThat(SiteVariant.builder(BLUE).database(false).celery(false).build().externalDatabase()).isFalse();
    }

    @Test
    void aDatabaseUrlSecretBesideTheSitesOwnDatabaseIsRefused() {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).secrets(List.of("DATABASE_URL")).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<secrets> of variant blue has DATABASE_URL but <database> is true, so the site's own"
                        + " database's URL is in its env file and wins: set <database>false</database> for a database"
                        + " on another host, or remove DATABASE_URL from <secrets>.");
    }

    @Test
    void tlsTakesCertbotsCertificateForTheServerNameOnPort443() throws Exception {
        assertThat(SiteVariant.builder(BLUE).serverName("berlin.example.com").tls(true).build().tls()).contains(
                new SiteVariant.Tls("/etc/letsencrypt/live/berlin.example.com/fullchain.pem",
                        "/etc/letsencrypt/live/berlin.example.com/privkey.pem", 443));
        assertThat(SiteVariant.builder(BLUE).serverName("*.example.com").tls(true).build().tls().orElseThrow()
                .certificate()).isEqualTo("/etc/letsencrypt/live/example.com/fullchain.pem");
        assertThat(SiteVariant.builder(BLUE).build().tls()).isEmpty();
    }

    @Test
    void tlsPathsAloneTurnTlsOn() throws Exception {
        SiteVariant variant = SiteVariant.builder(BLUE).tlsCertificate("/etc/ssl/certs/blue.pem")
                .tlsCertificateKey("/etc/ssl/private/blue.key").tlsListen("8443").build();
        assertThat(variant.tls()).contains(new SiteVariant.Tls("/etc/ssl/certs/blue.pem",
                "/etc/ssl/private/blue.key", 8443));
    }

    @Test
    void tlsWithoutServerNameOrPathsIsRefused() {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).tls(true).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<tls> of variant blue needs the site's <serverName> (certbot's certificate is named after"
                        + " it) or the paths in <tlsCertificate> and <tlsCertificateKey>.");
    }

    @Test
    void tlsFalseWithTlsSettingsIsRefused() {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).tls(false).tlsCertificate("/etc/ssl/blue.pem").build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<tls> of variant blue is false but <tlsCertificate> is set: drop <tls>false</tls> to"
                        + " serve the site over HTTPS, or drop the TLS settings.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"etc/ssl/blue.pem", "/etc/ssl/blue pem", "/etc/ssl/blue.pem;", "/etc/../shadow",
            "/etc/ssl/\"x\"", "/etc/ssl/$HOME"})
    void tlsCertificateMustBeAPlainAbsolutePath(String path) {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).serverName("blue.example.com").tlsCertificate(path).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("<tlsCertificate> of variant blue '" + path + "' is not a file path nginx"
                        + " can take: use an absolute path");
    }

    @Test
    void tlsListenMustDifferFromListen() {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).serverName("blue.example.com").listen("8443")
                .tlsListen("8443").build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<tlsListen> of variant blue is 8443, the <listen> port too: HTTPS needs a port of its"
                        + " own (443 by default), <listen> stays plain HTTP and redirects there.");
    }

    @Test
    void mediaServerNameMustBeAnotherHostName() {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).serverName("blue.example.com")
                .mediaServerName("blue.example.com").build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<mediaServerName> of variant blue is the <serverName> too: media need a host name of"
                        + " their own (such as media.blue.example.com), or leave <mediaServerName> out to serve them"
                        + " under the site's.");
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).mediaServerName("media example").build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("<mediaServerName> of variant blue 'media example' is not a host name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "0", "65536", "-1", "8o", "1e3"})
    void listenMustBeAPort(String listen) {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).listen(listen).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<listen> of variant blue '" + listen + "' is not a port: use a whole number from 1 to"
                        + " 65535.");
    }

    @Test
    void workersMustBeACount() {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).workers("many").build())
                .hasMessage("<workers> of variant blue 'many' is not a count: use a whole number from 1 to 256.");
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).celeryWorkers("0").build())
                .hasMessageStartingWith("<celeryWorkers> of variant blue '0' is not a count");
    }

    @ParameterizedTest
    @ValueSource(strings = {"berlin example.com", "berlin.example.com:80", "example.com/path", "-bad.example.com",
            "a;rm -rf /", "münchen.example.com", "x\ny"})
    void serverNameMustBeOneHostName(String name) {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).serverName(name).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("<serverName> of variant blue '")
                .hasMessageContaining("is not a host name: use one name such as berlin.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "berlin.example.com", "*.example.com", "xn--mnchen-3ya.example.com", "a1"})
    void hostNamesAreAccepted(String name) throws Exception {
        assertThat(SiteVariant.builder(BLUE).serverName(name).build().serverName()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1ABC", "A-B", "A B", "", "A=B", "$X"})
    void environmentKeysMustBeVariableNames(String key) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(key, "1");
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).environment(env).build())
                .hasMessageStartingWith("<environment> of variant blue has the key '" + key + "', which is not a"
                        + " variable name");
    }

    @Test
    void environmentValuesMayHoldAnythingButNul() throws Exception {
        Map<String, String> env = Map.of("MOTD", "line one\nline \"two\" $HOME `id` \\");
        assertThat(SiteVariant.builder(BLUE).environment(env).build().environment()).isEqualTo(env);
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).environment(Map.of("X", "a\0b")).build())
                .hasMessageContaining("gives X a value with a NUL character");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SECRET_TOKEN", "DB_PASSWORD", "stripe_api_key", "APIKEY", "AWS_CREDENTIALS",
            "SSH_PRIVATE_KEY", "GITHUB_TOKEN"})
    void secretLookingEnvironmentNamesAreRefusedWithTheWayToSecrets(String key) {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).environment(Map.of(key, "x")).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<environment> of variant blue sets " + key + ", which looks like a secret: <environment> is"
                        + " part of the package, readable in the APT repository and on the server; list " + key
                        + " in <secrets> instead and set it on the server with '{software}-blue secret set " + key
                        + "'.");
    }

    @Test
    void aUrlWithAPasswordInTheEnvironmentIsRefusedAndOneWithoutIsNot() throws Exception {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).environment(Map.of("CACHE_URL",
                "redis://:s3cret@cache.example.com:6379/0")).build()).hasMessageContaining("sets CACHE_URL, which looks"
                        + " like a secret");
        assertThat(SiteVariant.builder(BLUE).environment(Map.of("CACHE_URL", "redis://cache.example.com:6379/0"))
                .build().environment()).containsEntry("CACHE_URL", "redis://cache.example.com:6379/0");
    }

    @Test
    void secretsAreVariableNamesNotGeneratedNorInTheEnvironment() throws Exception {
        assertThat(SiteVariant.builder(BLUE).secrets(List.of("STRIPE_API_KEY", " SMTP_PASSWORD ", "STRIPE_API_KEY"))
                .build().secrets()).containsExactly("STRIPE_API_KEY", "SMTP_PASSWORD");
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).secrets(List.of("API-KEY")).build())
                .hasMessage("<secrets> of variant blue has 'API-KEY', which is not a variable name: use letters,"
                        + " digits and underscores, not starting with a digit.");
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).secrets(List.of("SECRET_KEY")).build())
                .hasMessage("<secrets> of variant blue has SECRET_KEY, which the site package generates on the server"
                        + " itself: remove it (rotate SECRET_KEY with '{software}-blue secret rotate SECRET_KEY').");
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).secrets(List.of("MOTD")).environment(Map.of("MOTD", "hi"))
                .build()).hasMessageStartingWith("<secrets> of variant blue has MOTD, which <environment> sets too");
        // Without a queue of its own, the broker's URL (with its password) is the admin's to give.
        assertThat(SiteVariant.builder(BLUE).queue(false).secrets(List.of("CELERY_BROKER_URL")).build().secrets())
                .containsExactly("CELERY_BROKER_URL");
    }

    @Test
    void migrateNeedsTheDatabase() {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).migrate(true).database(false).build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<migrate> of variant blue is true but <database> is false and no DATABASE_URL names a"
                        + " database on another host: list DATABASE_URL in <secrets> for one, drop <database>false"
                        + "</database> for the site's own, or set <migrate>false</migrate>.");
    }

    @Test
    void celeryNeedsABroker() throws Exception {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).queue(false).build())
                .hasMessageStartingWith("<celery> of variant blue is true but <queue> is false");
        assertThat(SiteVariant.builder(BLUE).queue(false).celery(false).build().celery()).isFalse();
        assertThat(SiteVariant.builder(BLUE).queue(false)
                .environment(Map.of("CELERY_BROKER_URL", "redis://localhost")).build().celery()).isTrue();
    }

    @Test
    void beatNeedsCelery() {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).celery(false).celeryBeat(true).build())
                .hasMessageStartingWith("<celeryBeat> of variant blue is true but <celery> is false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"my-site.settings", "mysite/settings", "mysite..settings", "1site.settings", "a;b"})
    void settingsMustBeAModule(String settings) {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).settings(settings).build())
                .hasMessage("Invalid <settings> of variant blue '" + settings + "': use a dotted Python module name"
                        + " such as mysite.settings.");
    }

    @Test
    void anEmptyRefIsRefusedNotTakenForTheDefaultBranch() {
        assertThatThrownBy(() -> SiteVariant.builder(BLUE).ref(" ").build())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<ref> of variant blue is empty: name a branch, tag or commit, or leave <ref> out to build"
                        + " the remote's default branch.");
    }
}
