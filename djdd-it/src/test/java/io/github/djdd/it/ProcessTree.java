package io.github.djdd.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A process and everything it started, stopped and killed at once as Jenkins kills an aborted job. */
final class ProcessTree {
    private ProcessTree() {}

    /** Sends SIGSTOP to the process and its descendants until no new one appears, and returns them all. */
    static List<ProcessHandle> freeze(ProcessHandle top) throws Exception {
        Map<Long, ProcessHandle> frozen = new LinkedHashMap<>();
        for (int round = 0; round < 50; round++) {
            List<ProcessHandle> fresh = Stream.concat(Stream.of(top), top.descendants())
                    .filter(p -> !frozen.containsKey(p.pid())).toList();
            if (fresh.isEmpty()) {
                break;
            }
            signal("STOP", fresh);
            fresh.forEach(p -> frozen.put(p.pid(), p));
        }
        return new ArrayList<>(frozen.values());
    }

    /** SIGKILLs every process of the list and waits until all are gone. */
    static void kill(List<ProcessHandle> processes) throws Exception {
        signal("KILL", processes);
        for (ProcessHandle process : processes) {
            process.onExit().get(60, TimeUnit.SECONDS);
        }
    }

    private static void signal(String signal, List<ProcessHandle> processes) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        processes.forEach(p -> command.add(Long.toString(p.pid())));
        // A process may have exited meanwhile: kill then reports it and goes on with the others.
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }

    /** The process's arguments joined by spaces, or "" once it is gone. */
    static String commandLine(ProcessHandle process) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
