package io.github.djdd.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipReportTest {
    /** A pip installation report as pip 25 writes it, shortened: a wheel from an index, one from a folder, a folder. */
    private static final String REPORT = """
            {"version": "1", "pip_version": "25.1.1", "install": [
              {"download_info": {"url": "http://127.0.0.1:3141/t/f/0a1b/gunicorn-26.2.0-py3-none-any.whl",
                                 "archive_info": {"hash": "sha256=BD249d0b3f7972f7432f0a6b6ff3b3ee2d129f70cd1ff6c09a9dd9e29a2b88e3",
                                                  "hashes": {"sha256": "bd249d0b3f7972f7432f0a6b6ff3b3ee2d129f70cd1ff6c09a9dd9e29a2b88e3"}}},
               "is_direct": false, "requested": true,
               "metadata": {"name": "gunicorn", "version": "26.2.0", "summary": " WSGI HTTP Server for UNIX "}},
              {"download_info": {"url": "file:///srv/wheels/Django_Extensions-4.1-py3-none-any.whl",
                                 "archive_info": {"hash": "sha256=0A1B2C3D2C3D2C3D2C3D2C3D2C3D2C3D2C3D2C3D2C3D2C3D2C3D2C3D2C3D2C3D"}},
               "is_direct": true, "requested": true,
               "metadata": {"name": "Django_Extensions", "version": "4.1"}},
              {"download_info": {"url": "file:///run/djdd/checkout/tools", "dir_info": {}},
               "is_direct": true, "requested": true, "metadata": {"name": "mysite-tools", "version": "1.0"}}
            ], "environment": {"python_version": "3.13"}}
            """;

    @Test
    void eachEntryGivesItsNameVersionUrlAndSha256() throws Exception {
        List<PipReport.Entry> entries = PipReport.read(REPORT.getBytes(StandardCharsets.UTF_8));

        assertThat(entries).containsExactly(
                new PipReport.Entry("gunicorn", "26.2.0", "WSGI HTTP Server for UNIX",
                        "http://127.0.0.1:3141/t/f/0a1b/gunicorn-26.2.0-py3-none-any.whl",
                        "bd249d0b3f7972f7432f0a6b6ff3b3ee2d129f70cd1ff6c09a9dd9e29a2b88e3", false, false),
                new PipReport.Entry("Django_Extensions", "4.1", "",
                        "file:///srv/wheels/Django_Extensions-4.1-py3-none-any.whl",
                        "0a1b2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d2c3d", false, false),
                new PipReport.Entry("mysite-tools", "1.0", "", "file:///run/djdd/checkout/tools", null, true, false));
    }

    @Test
    void aNameOrVersionThatIsNoneIsRefused() {
        assertThatThrownBy(() -> PipReport.read("""
                {"version": "1", "install": [{"download_info": {"url": "file:///x.whl"},
                 "metadata": {"name": "evil --index-url http://attacker", "version": "1"}}]}
                """.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BuildFailedException.class)
                .hasMessage("pip reported a distribution named evil --index-url http://attacker 1, which is no valid"
                        + " name and version: a package of the requirements gives false metadata; remove it from the"
                        + " requirements.");
    }

    @Test
    void aReportThatIsNotJsonOrHasNoInstallListNamesTheProblem() {
        assertThatThrownBy(() -> PipReport.read("usage: pip install [options]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("pip's installation report is not JSON (")
                .hasMessageEndingWith("djdd needs pip 22.2 or newer (Debian 12 and later).");
        assertThatThrownBy(() -> PipReport.read("{\"version\": \"2\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BuildFailedException.class)
                .hasMessage("pip's installation report has no 'install' list: djdd reads report version 1 (pip 22.2 or"
                        + " newer); this one says version 2.");
    }
}
