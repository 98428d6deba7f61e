package io.github.djdd.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A console that keeps what it is told, as "level: message", for tests to assert on. */
public final class RecordingConsole implements Console {
    public final List<String> logged = new CopyOnWriteArrayList<>();

    @Override
    public void debug(String message) {
        logged.add("debug: " + message);
    }

    @Override
    public void info(String message) {
        logged.add("info: " + message);
    }

    @Override
    public void warn(String message) {
        logged.add("warn: " + message);
    }

    public List<String> infos() {
        return at("info: ");
    }

    public List<String> warnings() {
        return at("warn: ");
    }

    private List<String> at(String level) {
        return logged.stream().filter(line -> line.startsWith(level)).map(line -> line.substring(level.length()))
                .toList();
    }
}
