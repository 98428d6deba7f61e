package io.github.djdd.core.env;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.naming.SoftwareName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;

class EnvSbomTest {
    private static final EnvLayout LAYOUT = new EnvLayout(new SoftwareName("mysoftware"), "0123456789ab");
    private static final Instant TIME = Instant.parse("2026-11-01T12:00:00Z");
    /** What an env installed: two wheels from an index, one from a folder, one project folder without a file. */
    private static final List<Distribution> DISTRIBUTIONS = List.of(
            new Distribution("gunicorn", "26.2.0", "WSGI HTTP Server for UNIX", "gunicorn-26.2.0-py3-none-any.whl",
                    "bd249d0b3f7972f7432f0a6b6ff3b3ee2d129f70cd1ff6c09a9dd9e29a2b88e3",
                    "https://pypi.example.com/files/gunicorn-26.2.0-py3-none-any.whl"),
            new Distribution("Django_Extensions", "4.1", "", "Django_Extensions-4.1-py3-none-any.whl",
                    "0a1b2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d",
                    "/srv/wheels/Django_Extensions-4.1-py3-none-any.whl"),
            new Distribution("Django", "5.2.8", "", "Django-5.2.8-py3-none-any.whl",
                    "ffeeffeeffeeffeeffeeffeeffeeffeeffeeffeeffeeffeeffeeffeeffeeffee",
                    "https://pypi.example.com/files/Django-5.2.8-py3-none-any.whl"),
            new Distribution("mysite-tools", "1.0", "", null, null, "/run/djdd/checkout/tools"));

    private static String sbom(List<Distribution> distributions) throws BuildFailedException {
        return new String(EnvSbom.of(distributions, LAYOUT, "Python virtualenv", TIME), StandardCharsets.UTF_8);
    }

    @Test
    void everyInstalledDistributionIsAComponentWithItsPackageUrlAndHashes() throws Exception {
        String sbom = sbom(DISTRIBUTIONS);
        assertThat(sbom).contains("\"bomFormat\" : \"CycloneDX\"", "\"specVersion\" : \"1.6\"",
                "\"name\" : \"mysoftware-env-0123456789ab\"", "\"timestamp\" : \"2026-11-01T12:00:00Z\"",
                "\"purl\" : \"pkg:pypi/gunicorn@26.2.0\"", "\"purl\" : \"pkg:pypi/django@5.2.8\"",
                "\"purl\" : \"pkg:pypi/django-extensions@4.1\"", "\"purl\" : \"pkg:pypi/mysite-tools@1.0\"",
                "\"alg\" : \"SHA-256\"", "\"content\" : \"bd249d0b3f7972f7432f0a6b6ff3b3ee2d129f70cd1ff6c09a9dd9e29a2b88e3\"",
                "\"description\" : \"WSGI HTTP Server for UNIX\"");
        assertThat(sbom.indexOf("pkg:pypi/django@")).as("sorted by name")
                .isLessThan(sbom.indexOf("pkg:pypi/django-extensions@")).isLessThan(sbom.indexOf("pkg:pypi/gunicorn@"));
        assertThat(new JsonParser().validate(sbom.getBytes(StandardCharsets.UTF_8), Version.VERSION_16))
                .as("valid against CycloneDX 1.6's schema").isEmpty();
    }

    @Test
    void theSameDistributionsGiveTheSameBytes() throws Exception {
        assertThat(sbom(DISTRIBUTIONS)).isEqualTo(sbom(List.copyOf(DISTRIBUTIONS)));
    }
}
