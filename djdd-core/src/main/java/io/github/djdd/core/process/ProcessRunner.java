package io.github.djdd.core.process;

import io.github.djdd.core.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;
import org.apache.commons.exec.Watchdog;

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
        // One sink per stream: the two pump threads must never write into the same line buffer.
        LogOutputStream out = new LineSink(command, lines);
        LogOutputStream err = new LineSink(command, lines);
        CommandLine commandLine = new CommandLine(command.argv().get(0));
        command.argv().stream().skip(1).forEach(arg -> commandLine.addArgument(arg, false));
        KillingWatchdog watchdog = new KillingWatchdog(command.timeout());
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setExitValues(null);
        executor.setStreamHandler(new PumpStreamHandler(out, err));
        executor.setWatchdog(watchdog);
        executor.setProcessDestroyer(DESTROYER);
        Map<String, String> environment = command.inheritEnvironment() ? new HashMap<>(System.getenv())
                : new HashMap<>();
        environment.putAll(command.environment());
        DefaultExecuteResultHandler handler = new DefaultExecuteResultHandler();
        console.debug("Running " + Command.join(command.argv()));
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
            out.close();
            err.close();
        } catch (IOException e) {
            // The sinks only buffer in memory; nothing to recover.
        }
        int exitCode = handler.getExitValue();
        CommandResult result = new CommandResult(exitCode, lines);
        if (watchdog.killedProcess()) {
            throw new CommandFailedException(command.display() + " did not finish within "
                    + command.timeout().toSeconds() + " s and was stopped.\n" + result.tail(TAIL_LINES), result);
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

    /** Collects a stream's lines and logs each as it completes. */
    private final class LineSink extends LogOutputStream {
        private final Command command;
        private final List<String> lines;

        LineSink(Command command, List<String> lines) {
            super(1, StandardCharsets.UTF_8);
            this.command = command;
            this.lines = lines;
        }

        @Override
        protected void processLine(String line, int level) {
            lines.add(line);
            if (command.quiet()) {
                console.debug(line);
            } else {
                console.info(line);
            }
        }
    }

    /**
     * Stops a command with SIGKILL. The build root's namespace wrapper ({@code unshare --fork})
     * ignores SIGTERM, the signal Commons Exec sends, and its death kills everything inside.
     */
    private static final class KillingWatchdog extends ExecuteWatchdog {
        private Process process;

        @SuppressWarnings("deprecation") // the builder cannot make a subclass
        KillingWatchdog(Duration timeout) {
            super(timeout.toMillis());
        }

        @Override
        public synchronized void start(Process value) {
            this.process = value;
            super.start(value);
        }

        @Override
        public synchronized void timeoutOccured(Watchdog watchdog) {
            super.timeoutOccured(watchdog);
            if (killedProcess()) {
                killTree();
            }
        }

        @Override
        public synchronized void destroyProcess() {
            super.destroyProcess();
            if (process != null) {
                killTree();
            }
        }

        /** Kills the process and all it started, and waits (briefly) until they are gone. */
        private void killTree() {
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            tree.add(process.toHandle());
            tree.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle handle : tree) {
                try {
                    handle.onExit().get(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    // A process that ignores SIGKILL is stuck in the kernel; nothing more to do.
                }
            }
        }
    }
}
