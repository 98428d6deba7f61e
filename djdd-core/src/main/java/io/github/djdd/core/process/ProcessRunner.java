package io.github.djdd.core.process;

import io.github.djdd.core.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;

/**
 * Runs programs with their output streamed line by line to the console, a timeout, and the
 * process killed when the JVM exits or the calling thread is interrupted (Ctrl-C in Maven).
 */
public final class ProcessRunner {
    private static final ShutdownHookProcessDestroyer DESTROYER = new ShutdownHookProcessDestroyer();
    private static final int TAIL_LINES = 40;

    private final Console console;

    public ProcessRunner(Console console) {
        this.console = console;
    }

    /** Runs the command and returns what it did, whatever its exit status. */
    public CommandResult run(Command command) throws CommandFailedException {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        LogOutputStream sink = new LogOutputStream(1, StandardCharsets.UTF_8) {
            @Override
            protected void processLine(String line, int level) {
                lines.add(line);
                if (command.quiet()) {
                    console.debug(line);
                } else {
                    console.info(line);
                }
            }
        };
        CommandLine commandLine = new CommandLine(command.argv().get(0));
        command.argv().stream().skip(1).forEach(arg -> commandLine.addArgument(arg, false));
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(command.timeout()).get();
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setExitValues(null);
        executor.setStreamHandler(new PumpStreamHandler(sink, sink));
        executor.setWatchdog(watchdog);
        executor.setProcessDestroyer(DESTROYER);
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(command.environment());
        DefaultExecuteResultHandler handler = new DefaultExecuteResultHandler();
        console.debug("Running " + command.display());
        try {
            executor.execute(commandLine, environment, handler);
            handler.waitFor();
        } catch (IOException e) {
            throw new CommandFailedException("Cannot run " + command.argv().get(0) + ": " + e.getMessage()
                    + ". Install the program or check the PATH.", e);
        } catch (InterruptedException e) {
            watchdog.destroyProcess();
            Thread.currentThread().interrupt();
            throw new CommandFailedException("Interrupted while running " + command.display(), e);
        }
        try {
            sink.close();
        } catch (IOException e) {
            // The sink only buffers in memory; nothing to recover.
        }
        int exitCode = handler.getExitValue();
        CommandResult result = new CommandResult(exitCode, lines);
        if (watchdog.killedProcess()) {
            throw new CommandFailedException(command.display() + " did not finish within " + command.timeout()
                    .toMinutes() + " minutes and was stopped.\n" + result.tail(TAIL_LINES), result);
        }
        if (handler.getException() != null) {
            throw new CommandFailedException("Cannot run " + command.display() + ": "
                    + handler.getException().getMessage(), handler.getException());
        }
        return result;
    }

    /** Runs the command and fails with its last lines of output unless it exits with 0. */
    public CommandResult check(Command command) throws CommandFailedException {
        CommandResult result = run(command);
        if (!result.succeeded()) {
            throw new CommandFailedException(command.display() + " failed with exit code " + result.exitCode()
                    + ":\n" + result.tail(TAIL_LINES), result);
        }
        return result;
    }
}
