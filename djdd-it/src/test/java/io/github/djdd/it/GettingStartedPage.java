package io.github.djdd.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of the site's getting-started page, read from its markdown so that the page cannot
 * drift from what the test runs. A shell block preceded by {@code <!-- run: build -->} runs on the
 * build machine, by {@code <!-- run: server -->} on the server; {@code , expect: TEXT} says what its
 * output must contain, {@code , answer: TEXT} what it reads on standard input. A line
 * {@code <!-- test: commit -->} is where the reader commits a change to the project.
 */
final class GettingStartedPage {
    static final Path PAGE = Path.of(System.getProperty("djdd.it.siteMarkdown", "../src/site/markdown"))
            .resolve("getting-started.md").toAbsolutePath().normalize();

    private static final Pattern STEP = Pattern.compile(
            "<!-- run: (build|server)((?:, (?:expect|answer): [^,>]+)*) -->\\n```sh\\n(.*?)```\\n|<!-- test: commit -->",
            Pattern.DOTALL);
    private static final Pattern OPTION = Pattern.compile(", (expect|answer): ([^,>]+)");

    /** Where a step runs, and a commit to the project between steps. */
    enum Where { BUILD, SERVER, COMMIT }

    /**
     * One step of the page.
     *
     * @param script the block's commands, with the test's substitutions made
     * @param expect text its output must contain; empty: none
     * @param answer the line it reads on standard input; empty: none
     */
    record Step(Where where, String script, String expect, String answer) {}

    private GettingStartedPage() {}

    /**
     * The page's steps in order, each of {@code substitutions}' keys (the page's example names)
     * replaced by its value (what this test has in their place). Every key must be on the page.
     */
    static List<Step> steps(Map<String, String> substitutions) throws Exception {
        String page = Files.readString(PAGE);
        for (String name : substitutions.keySet()) {
            if (!page.contains(name)) {
                throw new AssertionError(PAGE + " no longer mentions " + name + ": update the getting-started test");
            }
        }
        List<Step> steps = new ArrayList<>();
        Matcher matcher = STEP.matcher(page);
        while (matcher.find()) {
            if (matcher.group(1) == null) {
                steps.add(new Step(Where.COMMIT, "", "", ""));
                continue;
            }
            String script = matcher.group(3);
            for (Map.Entry<String, String> substitution : substitutions.entrySet()) {
                script = script.replace(substitution.getKey(), substitution.getValue());
            }
            String expect = "";
            String answer = "";
            Matcher option = OPTION.matcher(matcher.group(2));
            while (option.find()) {
                if (option.group(1).equals("expect")) {
                    expect = option.group(2).strip();
                } else {
                    answer = option.group(2).strip();
                }
            }
            steps.add(new Step(matcher.group(1).equals("build") ? Where.BUILD : Where.SERVER, script, expect, answer));
        }
        return steps;
    }
}
