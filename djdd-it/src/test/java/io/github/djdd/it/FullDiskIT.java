package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.Console;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build dir on a file system that fills up during the build (a tmpfs with 48 MiB left, which
 * pip's virtualenv outgrows): the build stops with a "no space" error naming the build dir, leaves
 * no package and no half-made virtualenv, and builds once space is freed.
 */
class FullDiskIT {
    private static final ProcessRunner HOST = new ProcessRunner(Console.NULL);
    private static final long FREE = 48L << 20;

    private static List<Path> entries(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    @Test
    void fullBuildDirStopsWithANoSpaceErrorAndLeavesNothing(@TempDir Path dir) throws Exception {
        BuildDir cached = ItSupport.buildDir();
        ItSupport.cachedRoot();
        Path upstream = SampleProject.create(dir, Map.of());
        Path mount = ItSupport.cachedBuildDir().resolveSibling("djdd-full");
        HOST.run(Command.of("umount", "--lazy", mount.toString()));
        HOST.check(Command.of("rm", "-rf", "--one-file-system", mount.toString()));
        Files.createDirectories(mount);
        HOST.check(Command.of("mount", "-t", "tmpfs", "-o", "size=4g,mode=0755", "djdd-full", mount.toString()));
        try {
            Files.createDirectories(mount.resolve("roots"));
            HOST.check(Command.of("cp", "-a", "--one-file-system", cached.root(ItSupport.SUITE).path().toString(),
                    cached.root(ItSupport.SUITE).state().toString(), mount.resolve("roots").toString()));
            long used = Files.getFileStore(mount).getTotalSpace() - Files.getFileStore(mount).getUsableSpace();
            HOST.check(Command.of("mount", "-o", "remount,size=" + (used + FREE), mount.toString()));

            Process full = new ProcessBuilder(BuildProcess.command("build", mount.toString(), "djddfull",
                    upstream.toString(), "-", "blue")).redirectErrorStream(true).start();
            String output = new String(full.getInputStream().readAllBytes());
            System.out.println(output);

            assertThat(full.waitFor()).isNotZero();
            assertThat(output).containsPattern("No space left on the file system of " + mount
                    + " \\([0-9.]+ MiB free now\\): free space there or point -Ddjdd.buildDir at a larger disk, then"
                    + " build again\\.");
            assertThat(entries(mount.resolve("packages"))).isEmpty();
            assertThat(entries(mount.resolve("roots/" + ItSupport.SUITE + "/usr/lib/djddfull-env"))).isEmpty();
            assertThat(entries(mount.resolve("work"))).isEmpty();
            assertThat(BuildRootIT.hostMountsUnder(mount.resolve("roots"))).isEmpty();
            System.out.printf("Space left after the failed build: %.1f MiB of %.1f MiB%n",
                    Files.getFileStore(mount).getUsableSpace() / 1048576.0, FREE / 1048576.0);

            HOST.check(Command.of("mount", "-o", "remount,size=4g", mount.toString()));
            Process next = new ProcessBuilder(BuildProcess.command("build", mount.toString(), "djddfull",
                    upstream.toString(), "-", "blue")).redirectErrorStream(true).start();
            String nextOutput = new String(next.getInputStream().readAllBytes());

            assertThat(next.waitFor()).as(nextOutput).isZero();
            try (Stream<Path> files = Files.list(mount.resolve("packages"))) {
                List<Path> debs = files.filter(f -> f.toString().endsWith(".deb")).toList();
                assertThat(debs).hasSize(3);
                for (Path deb : debs) {
                    assertThat(PackageChecksum.matches(deb)).isTrue();
                }
            }
        } finally {
            HOST.run(Command.of("umount", "--lazy", mount.toString()));
            HOST.run(Command.of("rm", "-rf", "--one-file-system", mount.toString()));
        }
    }
}
