package io.github.djdd.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.RecordingConsole;
import io.github.djdd.core.buildroot.RecordingRoot;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.deb.DpkgDeb;
import io.github.djdd.core.naming.SoftwareName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildSourcePackageStepTest {
    private static final ResolvedCommit COMMIT = new ResolvedCommit("main", "0123456789abcdef0123456789abcdef01234567",
            Instant.parse("2026-11-01T12:00:00Z"));

    @TempDir
    Path dir;

    private final RecordingConsole console = new RecordingConsole();
    private RecordingRoot root;
    private BuildContext context;
    private Checkout checkout;

    @BeforeEach
    void checkoutWithAProjectInApp() throws Exception {
        root = new RecordingRoot(dir.resolve("root"));
        context = root.context(dir.resolve("build"), console);
        checkout = new Checkout(dir.resolve("checkout"), "app");
        Files.createDirectories(checkout.file("mysite"));
        Files.writeString(checkout.file("manage.py"), "print('manage')\n");
        Files.writeString(checkout.file("mysite/settings.py"), "DEBUG = False\n");
        Files.writeString(checkout.file("src-debian-requirements.txt"), "libpq5 # psycopg\ngettext\n");
    }

    private SourcePackage build() throws Exception {
        SourceLayout layout = SourceLayout.of(new SoftwareName("mysoftware"), COMMIT, checkout.projectDir());
        return new BuildSourcePackageStep(context, layout, COMMIT, checkout).call();
    }

    @Test
    void packagesTheCheckoutAtTheLayoutsPathNamedByTheCommit() throws Exception {
        SourcePackage src = build();

        assertThat(src.layout().packageName()).isEqualTo("mysoftware-src-0123456789ab");
        assertThat(src.layout().projectPath()).isEqualTo("/usr/lib/mysoftware-src/0123456789ab/app");
        assertThat(src.deb().file().getFileName()).hasToString("mysoftware-src-0123456789ab_1_all.deb");
        assertThat(DpkgDeb.paths(src.deb().file())).contains("./usr/lib/mysoftware-src/0123456789ab/app/manage.py",
                "./usr/lib/mysoftware-src/0123456789ab/app/mysite/settings.py");
        assertThat(DpkgDeb.field(src.deb().file(), "Depends")).isEqualTo("python3, libpq5, gettext");
    }

    @Test
    void runsNothingInTheBuildRootAndIsReusedWhenItExists() throws Exception {
        SourcePackage first = build();
        SourcePackage second = build();

        assertThat(root.commands()).isEmpty();
        assertThat(first.deb().reused()).isFalse();
        assertThat(second.deb().reused()).isTrue();
        assertThat(second.deb().file()).isEqualTo(first.deb().file());
    }
}
