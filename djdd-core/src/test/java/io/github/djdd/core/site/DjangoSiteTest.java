package io.github.djdd.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.InvalidConfigurationException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DjangoSiteTest {
    @Test
    void applicationsDefaultToDjangosLayoutBesideTheSettings() throws Exception {
        DjangoSite site = DjangoSite.of("mysite.settings.production", null, " ", "/static/", "/media/");
        assertThat(site.wsgiApplication()).isEqualTo("mysite.wsgi:application");
        assertThat(site.celeryApp()).isEqualTo("mysite");
        assertThat(site.staticUrl()).contains("/static/");
        assertThat(site.mediaUrl()).contains("/media/");
    }

    @Test
    void configuredApplicationsWin() throws Exception {
        DjangoSite site = DjangoSite.of("mysite.settings", "config.asgi_wsgi:app", "tasks.worker:celery_app", "/s/",
                "/m/");
        assertThat(site.wsgiApplication()).isEqualTo("config.asgi_wsgi:app");
        assertThat(site.celeryApp()).isEqualTo("tasks.worker:celery_app");
    }

    @Test
    void urlsOfOtherServersAreNotServedByNginx() throws Exception {
        DjangoSite site = DjangoSite.of("mysite.settings", null, null, "https://cdn.example.com/static/", "");
        assertThat(site.staticUrl()).isEqualTo(Optional.empty());
        assertThat(site.mediaUrl()).isEqualTo(Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/static", "static/", "/st atic/", "/static/;}", "/a/../b/"})
    void aServedUrlMustBeAPlainFolderPath(String url) {
        assertThatThrownBy(() -> DjangoSite.of("mysite.settings", null, null, url, "/media/"))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("The settings' STATIC_URL is '" + url + "', which nginx cannot serve");
    }

    @Test
    void anApplicationMustBeAModule() {
        assertThatThrownBy(() -> DjangoSite.of("mysite.settings", "mysite wsgi", null, "/s/", "/m/"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("Invalid <wsgiApplication> 'mysite wsgi'");
    }

    @Test
    void gunicornFrom26OnIsToldToOpenNoControlSocket() throws Exception {
        DjangoSite site = DjangoSite.of("mysite.settings", null, null, "/static/", "/media/");
        assertThat(site.gunicornHasControlSocket()).as("unknown").isFalse();
        assertThat(site.withGunicornVersion("23.0.0").gunicornHasControlSocket()).isFalse();
        assertThat(site.withGunicornVersion("26.2.0").gunicornHasControlSocket()).isTrue();
        assertThat(site.withGunicornVersion("27.0.0rc1").gunicornHasControlSocket()).isTrue();
    }
}
