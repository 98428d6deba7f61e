package io.github.djdd.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.naming.SoftwareName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;

class EnvSbomTest {
    private static final EnvLayout LAYOUT = new EnvLayout(new SoftwareName("mysoftware"), "0123456789ab");
    private static final Instant TIME = Instant.parse("2026-11-01T12:00:00Z");
    /** A pip installation report as pip 25 writes it, shortened: one wheel from an index, one from a folder. */
    private static final String REPORT = """
            {"version": "1", "pip_version": "25.1.1", "install": [
              {"download_info": {"url": "https://pypi.example.com/files/gunicorn-26.2.0-py3-none-any.whl",
                                 "archive_info": {"hash": "sha256=bd249d0b3f7972f7432f0a6b6ff3b3ee2d129f70cd1ff6c09a9dd9e29a2b88e3",
                                                  "hashes": {"sha256": "bd249d0b3f7972f7432f0a6b6ff3b3ee2d129f70cd1ff6c09a9dd9e29a2b88e3"}}},
               "is_direct": false, "requested": true,
               "metadata": {"name": "gunicorn", "version": "26.2.0", "summary": "WSGI HTTP Server for UNIX"}},
              {"download_info": {"url": "file:///srv/wheels/Django_Extensions-4.1-py3-none-any.whl",
                                 "archive_info": {}},
               "is_direct": true, "requested": true,
               "metadata": {"name": "Django_Extensions", "version": "4.1"}},
              {"download_info": {"url": "https://pypi.example.com/files/Django-5.2.8-py3-none-any.whl",
                                 "archive_info": {"hashes": {"sha256": "0a1b2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d", "md5": "ffeeffeeffeeffeeffeeffeeffeeffee"}}},
               "requested": false, "metadata": {"name": "Django", "version": "5.2.8"}}
            ], "environment": {"python_version": "3.13"}}
            """;

    private static String sbom(String report) throws BuildFailedException {
        return new String(EnvSbom.of(report.getBytes(StandardCharsets.UTF_8), LAYOUT, "Python virtualenv", TIME),
                StandardCharsets.UTF_8);
    }

    @Test
    void everyInstalledDistributionIsAComponentWithItsPackageUrlAndHashes() throws Exception {
        String sbom = sbom(REPORT);
        assertThat(sbom).contains("\"bomFormat\" : \"CycloneDX\"", "\"specVersion\" : \"1.6\"",
                "\"name\" : \"mysoftware-env-0123456789ab\"", "\"timestamp\" : \"2026-11-01T12:00:00Z\"",
                "\"purl\" : \"pkg:pypi/gunicorn@26.2.0\"", "\"purl\" : \"pkg:pypi/django@5.2.8\"",
                "\"purl\" : \"pkg:pypi/django-extensions@4.1\"", "\"alg\" : \"SHA-256\"",
                "\"content\" : \"bd249d0b3f7972f7432f0a6b6ff3b3ee2d129f70cd1ff6c09a9dd9e29a2b88e3\"", "\"alg\" : \"MD5\"", "\"content\" : \"ffeeffeeffeeffeeffeeffeeffeeffee\"");
        assertThat(sbom.indexOf("pkg:pypi/django@")).as("sorted by name")
                .isLessThan(sbom.indexOf("pkg:pypi/django-extensions@")).isLessThan(sbom.indexOf("pkg:pypi/gunicorn@"));
        assertThat(new JsonParser().validate(sbom.getBytes(StandardCharsets.UTF_8), Version.VERSION_16))
                .as("valid against CycloneDX 1.6's schema").isEmpty();
    }

    @Test
    void theSameReportGivesTheSameBytes() throws Exception {
        assertThat(sbom(REPORT)).isEqualTo(sbom(REPORT));
    }

    @Test
    void aReportThatIsNotJsonOrHasNoInstallListNamesTheProblem() {
        assertThatThrownBy(() -> sbom("usage: pip install [options]"))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("pip's installation report is not JSON (")
                .hasMessageEndingWith("djdd needs pip 22.2 or newer (Debian 12 and later).");
        assertThatThrownBy(() -> sbom("{\"version\": \"2\"}"))
                .isInstanceOf(BuildFailedException.class)
                .hasMessage("pip's installation report has no 'install' list: djdd reads report version 1 (pip 22.2 or"
                        + " newer); this one says version 2.");
    }
}
