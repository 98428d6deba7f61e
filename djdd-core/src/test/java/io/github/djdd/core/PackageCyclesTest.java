package io.github.djdd.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The core stays layered: no package imports one that imports it back, however indirectly. */
class PackageCyclesTest {
    private static final Path SOURCES = Path.of("src/main/java/io/github/djdd/core");
    private static final Pattern IMPORT = Pattern.compile("^import io\\.github\\.djdd\\.core\\.([a-z]+)\\.",
            Pattern.MULTILINE);

    @Test
    void corePackagesHaveNoImportCycles() throws IOException {
        Map<String, Set<String>> imports = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(file -> file.toString().endsWith(".java") && !file.getParent().equals(SOURCES)).forEach(file -> {
                String from = SOURCES.relativize(file.getParent()).toString();
                Set<String> to = imports.computeIfAbsent(from, key -> new TreeSet<>());
                try {
                    Matcher matcher = IMPORT.matcher(Files.readString(file));
                    while (matcher.find()) {
                        if (!matcher.group(1).equals(from)) {
                            to.add(matcher.group(1));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        List<String> cycles = new ArrayList<>();
        imports.keySet().forEach(start -> findCycles(imports, List.of(start), cycles));

        assertThat(imports).containsKeys("project", "site", "env", "source", "deb", "buildroot", "process");
        assertThat(cycles).isEmpty();
    }

    private static void findCycles(Map<String, Set<String>> imports, List<String> path, List<String> cycles) {
        for (String next : imports.getOrDefault(path.get(path.size() - 1), Set.of())) {
            List<String> longer = new ArrayList<>(path);
            longer.add(next);
            if (next.equals(path.get(0))) {
                cycles.add(String.join(" -> ", longer));
            } else if (!path.contains(next)) {
                findCycles(imports, longer, cycles);
            }
        }
    }
}
