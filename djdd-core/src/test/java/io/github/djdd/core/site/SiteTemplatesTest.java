package io.github.djdd.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.RecordingConsole;
import io.github.djdd.core.checkout.Checkout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which templates the deployment and the project may replace, and which replacement wins. */
class SiteTemplatesTest {
    private static final Map<String, String> VALUES = Map.of("package", "mysoftware-site-berlin");

    @TempDir
    Path dir;

    private final RecordingConsole console = new RecordingConsole();

    private Checkout checkout() {
        return new Checkout(dir.resolve("commit"), "app");
    }

    private Path project(String name, String text) throws Exception {
        Path file = checkout().file("djdd/templates/" + name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private Path deployment(String name, String text) throws Exception {
        Path file = dir.resolve("deployment/djdd/templates").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private SiteTemplates read(boolean projectMayReplaceAll) throws Exception {
        return SiteTemplates.read(dir.resolve("deployment/djdd/templates"), checkout(), projectMayReplaceAll, console);
    }

    static Stream<String> serverTemplates() {
        return SiteTemplates.NAMES.stream().filter(name -> !SiteTemplates.PAGES.contains(name));
    }

    /** Each template that runs as root or configures a service on the servers, committed to the project. */
    @ParameterizedTest
    @MethodSource("serverTemplates")
    void theProjectMayNotReplaceATemplateThatRunsAsRootOrConfiguresAService(String name) throws Exception {
        project(name, "touch /root/pwned\n");

        assertThatThrownBy(() -> read(false)).isInstanceOf(BuildFailedException.class)
                .hasMessage("The project's app/djdd/templates/" + name + " would replace a template that runs as root"
                        + " or configures services on the servers, which only the deployment may do: move it beside the"
                        + " deployment POM (into its djdd/templates/, or the folder <templates> names), or set"
                        + " <projectTemplates>true</projectTemplates> if everyone who can push to the project may have"
                        + " root on the servers.");
    }

    @Test
    void everyRefusedFileIsNamedInOneSentence() throws Exception {
        project("postinst", "touch /root/pwned\n");
        project("nginx.conf", "server {}\n");

        assertThatThrownBy(() -> read(false)).isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("The project's app/djdd/templates/nginx.conf, app/djdd/templates/postinst would"
                        + " replace templates that run as root or configure services on the servers, which only the"
                        + " deployment may do: move them beside the deployment POM");
    }

    @Test
    void theProjectsMaintenancePageIsUsedWithoutPermission() throws Exception {
        project("maintenance.html", "<p>@package@ is resting</p>\n");

        SiteTemplates templates = read(false);

        assertThat(templates.template("maintenance.html").render(VALUES))
                .isEqualTo("<p>mysoftware-site-berlin is resting</p>\n");
        assertThat(console.infos()).containsExactly("Site templates replaced: maintenance.html from the project's"
                + " app/djdd/templates.");
    }

    @Test
    void theDeploymentsFolderReplacesAnyTemplate() throws Exception {
        deployment("postinst", "#!/bin/sh\necho the operator's postinst for @package@\n");
        deployment("nginx.conf", "# the operator's\n");

        SiteTemplates templates = read(false);

        assertThat(templates.template("postinst").render(VALUES))
                .isEqualTo("#!/bin/sh\necho the operator's postinst for mysoftware-site-berlin\n");
        assertThat(console.infos()).containsExactly("Site templates replaced: nginx.conf, postinst from the"
                + " deployment's " + dir.resolve("deployment/djdd/templates") + ".");
    }

    @Test
    void projectTemplatesLetsTheProjectReplaceEveryTemplate() throws Exception {
        project("postinst", "#!/bin/sh\necho the project's postinst\n");
        project("maintenance.html", "<p>resting</p>\n");

        SiteTemplates templates = read(true);

        assertThat(templates.template("postinst").render(VALUES)).isEqualTo("#!/bin/sh\necho the project's postinst\n");
        assertThat(console.infos()).containsExactly("Site templates replaced: maintenance.html, postinst from the"
                + " project's app/djdd/templates.");
    }

    @Test
    void theDeploymentsReplacementWinsOverTheProjects() throws Exception {
        deployment("postinst", "the deployment's\n");
        deployment("maintenance.html", "the deployment's page\n");
        project("postinst", "the project's\n");
        project("maintenance.html", "the project's page\n");
        project("prerm", "the project's prerm\n");

        SiteTemplates allowed = read(true);

        assertThat(allowed.template("postinst").render(VALUES)).isEqualTo("the deployment's\n");
        assertThat(allowed.template("maintenance.html").render(VALUES)).isEqualTo("the deployment's page\n");
        assertThat(allowed.template("prerm").render(VALUES)).isEqualTo("the project's prerm\n");
        assertThat(console.infos()).containsExactly("Site templates replaced: maintenance.html, postinst from the"
                + " deployment's " + dir.resolve("deployment/djdd/templates") + "; prerm from the project's"
                + " app/djdd/templates.");
        assertThat(console.warnings()).containsExactly("Ignoring the project's app/djdd/templates/maintenance.html: the"
                + " deployment's " + dir.resolve("deployment/djdd/templates/maintenance.html") + " replaces"
                + " maintenance.html.", "Ignoring the project's app/djdd/templates/postinst: the deployment's "
                + dir.resolve("deployment/djdd/templates/postinst") + " replaces postinst.");
    }

    /** Moving the file beside the deployment POM is a whole fix, even where the project keeps its copy. */
    @Test
    void aProjectsTemplateTheDeploymentReplacesIsIgnoredWithoutPermission() throws Exception {
        deployment("postinst", "the deployment's\n");
        project("postinst", "touch /root/pwned\n");

        SiteTemplates templates = read(false);

        assertThat(templates.template("postinst").render(VALUES)).isEqualTo("the deployment's\n");
        assertThat(console.warnings()).singleElement().asString()
                .startsWith("Ignoring the project's app/djdd/templates/postinst: the deployment's ");
    }

    @Test
    void withoutReplacementsTheLogSaysSoAndDjddsOwnAreUsed() throws Exception {
        SiteTemplates templates = read(false);

        assertThat(console.infos()).containsExactly("Site templates: djdd's own, none replaced.");
        assertThat(templates.template("postinst").render(SiteFilesTest.allOn(SiteTemplates.DJDD).values("1")))
                .startsWith("#!/bin/sh");
    }

    /** A link committed to the project would put a file of the build machine (a signing key) into the package. */
    @Test
    void aProjectsTemplateThatLinksOutOfTheCommitIsRefused() throws Exception {
        Path secret = Files.writeString(dir.resolve("signing-key.asc"), "-----BEGIN PGP PRIVATE KEY BLOCK-----\n");
        Path page = checkout().file("djdd/templates/maintenance.html");
        Files.createDirectories(page.getParent());
        Files.createSymbolicLink(page, secret);

        assertThatThrownBy(() -> read(false)).isInstanceOf(BuildFailedException.class)
                .hasMessage("The project's app/djdd/templates/maintenance.html is a link to " + secret.toRealPath()
                        + ", outside the commit: commit the file itself, not a link.");
    }

    @Test
    void aProjectsTemplatesFolderThatLinksOutOfTheCommitIsRefused() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("maintenance.html"), "secret\n");
        Files.createDirectories(checkout().file("djdd"));
        Files.createSymbolicLink(checkout().file("djdd/templates"), elsewhere);

        assertThatThrownBy(() -> read(false)).isInstanceOf(BuildFailedException.class)
                .hasMessage("The project's app/djdd/templates is a link to " + elsewhere.toRealPath() + ", outside the"
                        + " commit: commit the file itself, not a link.");
    }

    @Test
    void filesThatReplaceNothingAreNamedInAWarning() throws Exception {
        project("ngnix.conf", "# typo\n");
        deployment("postinst.sh", "# typo\n");

        read(false);

        assertThat(console.warnings()).hasSize(2).allSatisfy(warning -> assertThat(warning)
                .endsWith(": djdd has no template of that name (it has " + String.join(", ", SiteTemplates.NAMES) + ")."));
        assertThat(console.warnings().get(0)).startsWith("Ignoring 'postinst.sh' in the deployment's ");
        assertThat(console.warnings().get(1)).startsWith("Ignoring 'ngnix.conf' in the project's app/djdd/templates:");
    }

    @Test
    void everyNamedTemplateIsOneOfDjdds() {
        assertThat(SiteTemplates.NAMES).allSatisfy(name -> assertThat(SiteTemplates.class.getResource(name))
                .as(name).isNotNull());
        assertThat(SiteTemplates.NAMES).containsAll(SiteTemplates.PAGES);
        assertThat(List.copyOf(SiteTemplates.PAGES)).containsExactly("maintenance.html");
    }
}
