package io.github.djdd.core.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.Console;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.store.PackageChecksum;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds real archives and reads them back with dpkg-deb, as Debian's tools will. */
class DebWriterTest {
    private static final Instant COMMIT_TIME = Instant.parse("2026-01-02T03:04:05Z");
    private static final ProcessRunner RUNNER = new ProcessRunner(Console.NULL);

    @TempDir
    Path dir;

    private Path tree;

    @BeforeEach
    void tree() throws Exception {
        tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("pkg/sub"));
        Files.writeString(tree.resolve("manage.py"), "print('hi')\n");
        Files.setPosixFilePermissions(tree.resolve("manage.py"), PosixFilePermissions.fromString("rwx------"));
        Files.writeString(tree.resolve("pkg/__init__.py"), "");
        Files.writeString(tree.resolve("pkg/sub/data.txt"), "data\n");
        Files.setPosixFilePermissions(tree.resolve("pkg/sub/data.txt"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.createSymbolicLink(tree.resolve("link"), Path.of("pkg/sub/data.txt"));
    }

    private DebControl control() {
        return new DebControl("mysoftware-src-0123456789ab", "1", "all", DebControl.DEFAULT_MAINTAINER,
                List.of("python3", "libpq5"), "web", "mysoftware source at 0123456789ab",
                List.of("The source of mysoftware at commit 0123456789ab.", "Built by djdd."));
    }

    private Path write(Path packages, Compression compression) throws Exception {
        return new DebWriter(Console.NULL).write(control(),
                Map.of("postinst", "#!/bin/sh\nset -e\necho configured\n"),
                List.of(new DebContent.Tree(tree, "/usr/lib/mysoftware-src/0123456789ab"),
                        DebContent.Data.text("/usr/share/doc/mysoftware-src-0123456789ab/copyright", "text\n")),
                COMMIT_TIME, compression, packages);
    }

    private static List<String> dpkgDeb(String option, Path deb) throws Exception {
        return RUNNER.check(Command.of("dpkg-deb", option, deb.toString()).quietly()).output();
    }

    @Test
    void packageIsNamedAfterItsControlFieldsAndNothingElseIsLeft() throws Exception {
        Path deb = write(dir.resolve("packages"), Compression.XZ);

        assertThat(deb).hasFileName("mysoftware-src-0123456789ab_1_all.deb");
        try (var files = Files.list(dir.resolve("packages"))) {
            assertThat(files).containsExactlyInAnyOrder(deb, PackageChecksum.fileFor(deb));
        }
        RUNNER.check(Command.of("sh", "-c", "cd " + dir.resolve("packages") + " && sha256sum --check --strict "
                + PackageChecksum.fileFor(deb).getFileName()));
    }

    @Test
    void controlHasTheFieldsDebianNeeds() throws Exception {
        List<String> info = dpkgDeb("--info", write(dir.resolve("packages"), Compression.XZ));

        assertThat(String.join("\n", info)).contains(" Package: mysoftware-src-0123456789ab", " Version: 1",
                " Architecture: all", " Maintainer: djdd <djdd@example.org>", " Depends: python3, libpq5",
                " Section: web", " Priority: optional", " Installed-Size: ",
                " Description: mysoftware source at 0123456789ab", "  The source of mysoftware at commit 0123456789ab.", "  .",
                "  Built by djdd.");
        assertThat(info).anyMatch(line -> line.matches("\\s+\\d+ bytes,\\s+\\d+ lines\\s+\\*\\s+postinst\\s+#!/bin/sh\\s*"));
        assertThat(info).anyMatch(line -> line.matches("\\s+\\d+ bytes,\\s+\\d+ lines\\s+md5sums\\s*"));
    }

    @Test
    void entriesAreSortedOwnedByRootWithNormalizedModesAndTheCommitTime() throws Exception {
        List<String> contents = dpkgDeb("--contents", write(dir.resolve("packages"), Compression.GZIP));

        assertThat(contents).allMatch(line -> line.contains(" root/root ") && line.contains(" 2026-01-02 03:04 "));
        List<String> names = contents.stream().map(line -> line.substring(line.indexOf(" ./") + 1)).toList();
        assertThat(names).containsExactly("./usr/", "./usr/lib/", "./usr/lib/mysoftware-src/",
                "./usr/lib/mysoftware-src/0123456789ab/",
                "./usr/lib/mysoftware-src/0123456789ab/link -> pkg/sub/data.txt",
                "./usr/lib/mysoftware-src/0123456789ab/manage.py",
                "./usr/lib/mysoftware-src/0123456789ab/pkg/",
                "./usr/lib/mysoftware-src/0123456789ab/pkg/__init__.py",
                "./usr/lib/mysoftware-src/0123456789ab/pkg/sub/",
                "./usr/lib/mysoftware-src/0123456789ab/pkg/sub/data.txt",
                "./usr/share/", "./usr/share/doc/", "./usr/share/doc/mysoftware-src-0123456789ab/",
                "./usr/share/doc/mysoftware-src-0123456789ab/copyright");
        assertThat(contents).anyMatch(line -> line.startsWith("-rwxr-xr-x") && line.endsWith("/manage.py"))
                .anyMatch(line -> line.startsWith("-rw-r--r--") && line.endsWith("/data.txt"))
                .anyMatch(line -> line.startsWith("drwxr-xr-x") && line.endsWith("/pkg/"));
    }

    @Test
    void sameInputsGiveTheSameBytes() throws Exception {
        for (Compression compression : Compression.values()) {
            Path first = write(dir.resolve("one-" + compression), compression);
            Path second = write(dir.resolve("two-" + compression), compression);

            assertThat(Files.readAllBytes(first)).as(compression.value()).isEqualTo(Files.readAllBytes(second));
        }
    }

    @Test
    void zstdGivesTheSameBytesWithAnyNumberOfWorkers() throws Exception {
        // Bigger than zstd's job size (4 windows of 4 MiB at our level), so that workers share it.
        byte[] input = new byte[24 << 20];
        Random random = new Random(42);
        for (int i = 0; i < input.length; i++) {
            input[i] = i % 8 == 0 ? (byte) random.nextInt() : (byte) (i % 7);
        }
        byte[] one = zstd(input, 1);

        assertThat(zstd(input, 2)).isEqualTo(one);
        assertThat(zstd(input, 4)).isEqualTo(one);
    }

    private static byte[] zstd(byte[] input, int workers) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream zstd = Compression.ZSTD.compress(out, workers)) {
            for (int i = 0; i < input.length; i += 10240) { // as tar writes its records
                zstd.write(input, i, Math.min(10240, input.length - i));
            }
        }
        return out.toByteArray();
    }

    @Test
    void defaultIsZstdWithADataTarZstMemberDpkgReads() throws Exception {
        Path deb = write(dir.resolve("packages"), Compression.DEFAULT);

        assertThat(Compression.DEFAULT).isEqualTo(Compression.ZSTD);
        assertThat(RUNNER.check(Command.of("ar", "t", deb.toString()).quietly()).output())
                .containsExactly("debian-binary", "control.tar.gz", "data.tar.zst");
        List<String> zstd = RUNNER.check(Command.of("sh", "-c", "ar p " + deb + " data.tar.zst | zstd -dc | tar -tvf -")
                .quietly()).output();
        List<String> xz = RUNNER.check(Command.of("sh", "-c", "ar p " + write(dir.resolve("xz"), Compression.XZ)
                + " data.tar.xz | xz -dc | tar -tvf -").quietly()).output();
        assertThat(zstd).filteredOn(line -> !line.contains("/lintian/")).hasSize(14).isEqualTo(xz);
        assertThat(zstd).filteredOn(line -> line.contains("/lintian/")).hasSize(3);
    }

    @Test
    void zstdPackagesOverrideOnlyLintiansOutdatedArchiveCheck() throws Exception {
        Path deb = write(dir.resolve("packages"), Compression.ZSTD);
        Path unpacked = dir.resolve("unpacked");
        RUNNER.check(Command.of("dpkg-deb", "--extract", deb.toString(), unpacked.toString()).quietly());

        assertThat(unpacked.resolve("usr/share/lintian/overrides/mysoftware-src-0123456789ab")).content()
                .contains("mysoftware-src-0123456789ab: malformed-deb-archive third (official) member data.tar.zst"
                        + " not data.tar.(gz|xz|bz2|lzma)\n");
        var lintian = RUNNER.run(Command.of("lintian", "--show-overrides", deb.toString()).quietly()
                .withTimeout(Duration.ofMinutes(5)));
        assertThat(lintian.output()).anyMatch(line -> line.startsWith("O: mysoftware-src-0123456789ab:"
                + " malformed-deb-archive third (official) member data.tar.zst"))
                .noneMatch(line -> line.startsWith("E:") && line.contains("malformed-deb-archive"));
    }

    @Test
    void zstdOverrideIsAddedToThePackagesOwnOverrides() throws Exception {
        Path deb = new DebWriter(Console.NULL).write(control(), Map.of(), List.of(DebContent.Data.text(
                "/usr/share/lintian/overrides/mysoftware-src-0123456789ab", "# why\nmysoftware-src-0123456789ab: some-tag\n")),
                COMMIT_TIME, Compression.ZSTD, dir.resolve("packages"));
        Path unpacked = dir.resolve("unpacked");
        RUNNER.check(Command.of("dpkg-deb", "--extract", deb.toString(), unpacked.toString()).quietly());

        assertThat(Files.readAllLines(unpacked.resolve("usr/share/lintian/overrides/mysoftware-src-0123456789ab")))
                .startsWith("# why", "mysoftware-src-0123456789ab: some-tag")
                .anyMatch(line -> line.contains(": malformed-deb-archive "));
    }

    @Test
    void md5sumsAndInstalledSizeDescribeTheFiles() throws Exception {
        Path deb = write(dir.resolve("packages"), Compression.ZSTD);
        Path control = dir.resolve("control");
        RUNNER.check(Command.of("dpkg-deb", "--control", deb.toString(), control.toString()).quietly());
        Path unpacked = dir.resolve("unpacked");
        RUNNER.check(Command.of("dpkg-deb", "--extract", deb.toString(), unpacked.toString()).quietly());

        RUNNER.check(Command.of("sh", "-c", "cd " + unpacked + " && md5sum --check --strict --quiet " + control
                .resolve("md5sums")));
        assertThat(Files.readAllLines(control.resolve("md5sums"))).hasSize(5)
                .allMatch(line -> line.matches("[0-9a-f]{32}  usr/.*"));
        // KiB as dpkg-gencontrol counts: four small files (one the lintian overrides), an empty one
        // (0), eleven folders and a symlink
        assertThat(dpkgDeb("--field", deb)).contains("Installed-Size: 16");
    }

    @Test
    void everyCompressionGivesAPackageDpkgReads() throws Exception {
        for (Compression compression : Compression.values()) {
            Path deb = write(dir.resolve(compression.name()), compression);

            assertThat(dpkgDeb("--field", deb)).contains("Package: mysoftware-src-0123456789ab");
            assertThat(RUNNER.check(Command.of("ar", "t", deb.toString()).quietly()).output())
                    .contains("data.tar" + switch (compression) {
                        case ZSTD -> ".zst";
                        case XZ -> ".xz";
                        case GZIP -> ".gz";
                        case NONE -> "";
                    });
        }
    }

    @Test
    void longPathsUnpackWithDpkgsOwnTarReader() throws Exception {
        Path deep = tree.resolve("a".repeat(60) + "/" + "b".repeat(60) + "/" + "c".repeat(60));
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("module_with_a_long_name.py"), "x = 1\n");
        Path deb = write(dir.resolve("packages"), Compression.XZ);
        Path root = dir.resolve("unpacked");
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
        Files.writeString(root.resolve("var/lib/dpkg/status"), "");

        // dpkg --unpack, unlike dpkg-deb --extract, parses the tar itself (and refuses PAX headers).
        RUNNER.check(Command.of("dpkg", "--root=" + root, "--force-depends", "--force-script-chrootless",
                "--force-not-root", "--unpack", deb.toString()));

        assertThat(root.resolve("usr/lib/mysoftware-src/0123456789ab").resolve(tree.relativize(deep))
                .resolve("module_with_a_long_name.py")).hasContent("x = 1");
    }

    @Test
    void unknownCompressionNamesTheChoices() {
        assertThatThrownBy(() -> Compression.of("bzip2")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("use zstd, xz, gzip or none");
    }

    @Test
    void filesUnderEtcAreConffilesAndNothingElseIs() throws Exception {
        Path deb = new DebWriter(Console.NULL).write(control(), Map.of(),
                List.of(DebContent.Data.text("/etc/nginx/sites-available/site", "server {}\n"),
                        DebContent.Data.text("/etc/site/env", "A=\"1\"\n"),
                        DebContent.Data.text("/usr/lib/site/maintenance.html", "down\n")),
                COMMIT_TIME, Compression.GZIP, dir.resolve("packages"));
        Path control = dir.resolve("control");
        RUNNER.check(Command.of("dpkg-deb", "--control", deb.toString(), control.toString()).quietly());
        assertThat(Files.readString(control.resolve("conffiles")))
                .isEqualTo("/etc/nginx/sites-available/site\n/etc/site/env\n");
    }

    @Test
    void packageWithoutEtcFilesHasNoConffiles() throws Exception {
        Path control = dir.resolve("control");
        RUNNER.check(Command.of("dpkg-deb", "--control", write(dir.resolve("packages"), Compression.GZIP).toString(),
                control.toString()).quietly());
        assertThat(control.resolve("conffiles")).doesNotExist();
    }
}
