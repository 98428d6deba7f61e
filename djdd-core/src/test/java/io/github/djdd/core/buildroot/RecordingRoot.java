package io.github.djdd.core.buildroot;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.deb.Compression;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandFailedException;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.workspace.BuildDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A build root that runs nothing: it records every command a step issues and answers it as told
 * (by the start of its command line), else with success and no output. Like a Debian root with
 * python 3.11, libc 2.36 and Debian's pip wheel, it answers the version queries; {@code python3 -m venv DIR},
 * alone or in a {@code sh -c} script, makes DIR (in the folder bound there, else under
 * {@link #path()}) with {@code bin/gunicorn} in it, as if pip had installed the requirements, as
 * the steps that package a virtualenv need; a command with {@code --report FILE} writes the pip
 * report given to {@link #report} (none installed, by default).
 */
public final class RecordingRoot implements RootShell {
    private final Path path;
    private final List<RootCommand> commands = new CopyOnWriteArrayList<>();
    private final List<String> installed = new CopyOnWriteArrayList<>();
    private final Map<String, Function<RootCommand, CommandResult>> answers = new LinkedHashMap<>();
    private volatile String report = "{\"version\": \"1\", \"install\": []}";

    public RecordingRoot(Path path) {
        this.path = path;
        try {
            Path wheels = Files.createDirectories(path.resolve("usr/share/python-wheels"));
            Files.writeString(wheels.resolve("pip-23.0.1-py3-none-any.whl"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        answer("python3 -c import sys", command -> output("3.11"));
        answer("dpkg --print-architecture", command -> output("amd64"));
        answer("dpkg-query --show --showformat ${Version}\\n libc6", command -> output("2.36-9+deb12u13"));
        answer("python3 -m venv ", command -> venv(command, command.argv().get(command.argv().size() - 1)));
        answer("sh -c set -e\npython3 -m venv --without-pip ", command -> venv(command,
                command.argv().get(2).lines().skip(1).findFirst().orElseThrow().replaceFirst(".* ", "")));
    }

    /** Makes the virtualenv {@code dir} with a gunicorn in it, as if pip had installed the requirements. */
    private CommandResult venv(RootCommand command, String dir) {
        try {
            Path bin = Files.createDirectories(hostPath(command, dir).resolve("bin"));
            Files.writeString(bin.resolve("gunicorn"), "#!" + dir + "/bin/python\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return output();
    }

    /** The pip report that commands with {@code --report} write from now on. */
    public RecordingRoot report(String json) {
        report = json;
        return this;
    }

    /** Where {@code inRoot} is on the host for {@code command}: in the folder bound there, else in {@link #path()}. */
    public Path hostPath(RootCommand command, String inRoot) {
        for (BindMount bind : command.binds()) {
            if (inRoot.equals(bind.target()) || inRoot.startsWith(bind.target() + "/")) {
                return bind.host().resolve(inRoot.substring(bind.target().length()).replaceFirst("^/", ""));
            }
        }
        return path.resolve(inRoot.substring(1));
    }

    /** The context of a build in {@code buildDir} whose commands run here, writing gzip packages. */
    public BuildContext context(Path buildDir, Console console) throws DjddException {
        return new BuildContext(BuildDir.prepare(buildDir), this, new PackageSettings(DebControl.DEFAULT_MAINTAINER,
                Compression.GZIP, Optional.empty()), console);
    }

    /** Answers every command whose line starts with {@code prefix}; later answers win. */
    public RecordingRoot answer(String prefix, Function<RootCommand, CommandResult> answer) {
        answers.remove(prefix);
        answers.put(prefix, answer);
        return this;
    }

    public static CommandResult output(String... lines) {
        return new CommandResult(0, List.of(lines));
    }

    public static CommandResult failure(int exitCode, String... lines) {
        return new CommandResult(exitCode, List.of(lines));
    }

    /** Every command run so far, in order. */
    public List<RootCommand> commands() {
        return List.copyOf(commands);
    }

    /** Every command line run so far, joined as a shell would show it. */
    public List<String> lines() {
        return commands.stream().map(command -> Command.join(command.argv())).toList();
    }

    /** The packages {@link #installPackages} was asked for, in order. */
    public List<String> installed() {
        return List.copyOf(installed);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String suite() {
        return "bookworm";
    }

    @Override
    public int debianRelease() {
        return 12;
    }

    @Override
    public CommandResult run(RootCommand command) {
        commands.add(command);
        String line = String.join(" ", command.argv());
        int reportAt = command.argv().indexOf("--report");
        if (reportAt >= 0) {
            try {
                Path file = hostPath(command, command.argv().get(reportAt + 1));
                Files.createDirectories(file.getParent());
                Files.writeString(file, this.report);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> prefixes = new ArrayList<>(answers.keySet());
        for (int i = prefixes.size() - 1; i >= 0; i--) {
            if (line.startsWith(prefixes.get(i))) {
                return answers.get(prefixes.get(i)).apply(command);
            }
        }
        return output();
    }

    @Override
    public CommandResult check(RootCommand command) throws DjddException {
        CommandResult result = run(command);
        if (!result.succeeded()) {
            throw new CommandFailedException("'" + Command.join(command.argv()) + "' in the build root failed with"
                    + " exit code " + result.exitCode() + ":\n" + result.tail(40), result);
        }
        return result;
    }

    @Override
    public List<String> installPackages(Collection<String> names, String source) {
        installed.addAll(names);
        return List.copyOf(names);
    }
}
