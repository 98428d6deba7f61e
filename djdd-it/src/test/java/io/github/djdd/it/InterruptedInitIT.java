package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.buildroot.BuildRootOptions;
import io.github.djdd.core.buildroot.InitBuildRootStep;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An init SIGKILLed with all its processes half way through the bootstrap leaves no mount and no
 * lock, its root is never used, and the next init finishes the job.
 */
class InterruptedInitIT {

    @Test
    void interruptedBootstrapIsRedoneByTheNextInit() throws Exception {
        Path path = ItSupport.cachedBuildDir().resolveSibling("djdd-interrupted");
        new ProcessRunner(Console.NULL).check(Command.of("rm", "-rf", "--one-file-system", path.toString()));
        BuildDir buildDir = BuildDir.prepare(path);
        BuildRootOptions options = BuildRootOptions.of(BuildRootOptions.DEFAULT_SUITE, BuildRootOptions.DEFAULT_MIRROR);
        Process first = new ProcessBuilder(BuildProcess.command("init", path.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        try {
            Path dpkg = buildDir.root(options.suite()).inProgress().resolve("var/lib/dpkg/status");
            for (int i = 0; i < 1200 && !(Files.exists(dpkg) && first.descendants().anyMatch(
                    p -> ProcessTree.commandLine(p).contains("mmdebstrap"))); i++) {
                assertThat(first.isAlive()).as("init ended before the bootstrap got under way").isTrue();
                Thread.sleep(250);
            }
            assertThat(dpkg).as("the bootstrap got under way").exists();
            ProcessTree.kill(ProcessTree.freeze(first.toHandle()));

            assertThat(BuildRootIT.hostMountsUnder(path)).isEmpty();
            assertThat(buildDir.root(options.suite()).path()).doesNotExist();
            assertThatThrownBy(() -> BuildRoot.open(buildDir, options.suite(), new ProcessRunner(Console.NULL),
                    Console.NULL)).isInstanceOf(DjddException.class).hasMessageContaining("run 'mvn djdd:init");

            ItSupport.RecordingConsole console = new ItSupport.RecordingConsole();
            BuildRoot root = new InitBuildRootStep(buildDir, options, console).call();

            assertThat(console.lines).anyMatch(line -> line.contains("left by an interrupted bootstrap"))
                    .noneMatch(line -> line.contains("Waiting for another build"));
            assertThat(root.run(RootCommand.of("python3", "-c", "import venv")).exitCode()).isZero();
            assertThat(BuildRoot.open(buildDir, options.suite(), new ProcessRunner(Console.NULL), Console.NULL))
                    .isNotNull();
        } finally {
            first.destroyForcibly();
            try (var configs = Files.list(Path.of("/etc/schroot/chroot.d"))) {
                for (Path config : configs.toList()) {
                    if (Files.readString(config).contains("directory=" + buildDir.root(options.suite()).path() + "\n")) {
                        Files.delete(config);
                    }
                }
            }
            new ProcessRunner(Console.NULL).check(Command.of("rm", "-rf", "--one-file-system", path.toString()));
        }
    }
}
