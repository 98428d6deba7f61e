package io.github.djdd.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real Maven ({@code mvnw}, a process of its own) running {@code djdd:build} on a generated
 * deployment POM, with the plugin the invoker installed into {@code target/local-repo} and the
 * shared cached build dir.
 */
final class MavenBuild {
    private static final Path MVNW = Path.of(System.getProperty("djdd.it.mvnw", "../mvnw")).toAbsolutePath();
    private static final Path LOCAL_REPO = Path.of(System.getProperty("djdd.it.localRepo", "target/local-repo"))
            .toAbsolutePath();
    private static final Path OUTER_REPO = Path.of(System.getProperty("djdd.it.outerRepo",
                    System.getProperty("user.home") + "/.m2/repository")).toAbsolutePath();
    private static final String VERSION = System.getProperty("djdd.it.pluginVersion", "0.1.0-SNAPSHOT");

    private final Path project;
    private final Process process;

    private MavenBuild(Path project, Process process) {
        this.project = project;
        this.process = process;
    }

    record Run(int exitCode, String log) {}

    /** Starts {@code mvnw djdd:build} on {@code pom} in a new folder under {@code dir}. */
    static MavenBuild start(Path dir, String pom, String... arguments) throws Exception {
        return start(dir, pom, List.of("build"), arguments);
    }

    /** Starts {@code mvnw} with djdd's {@code goals} on {@code pom} in a new folder under {@code dir}. */
    static MavenBuild start(Path dir, String pom, List<String> goals, String... arguments) throws Exception {
        return start(dir, pom, goals, "", arguments);
    }

    /**
     * Runs {@code mvnw djdd:build} on {@code pom} in a JVM set for a short run (C1 only, serial
     * GC: half the CPU of Maven's start-up), for builds that stop at bad input.
     */
    static Run runShort(Path dir, String pom, String... arguments) throws Exception {
        return start(dir, pom, List.of("build"), "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC", arguments).await();
    }

    private static MavenBuild start(Path dir, String pom, List<String> goals, String mavenOpts, String... arguments)
            throws Exception {
        return start(dir, pom, goals, mavenOpts, Map.of(), "", arguments);
    }

    /**
     * Runs {@code mvnw} with djdd's {@code goals} on {@code pom}, with {@code environment} added to
     * the test's and {@code servers} ({@code <server>} elements) in its settings.xml.
     */
    static Run run(Path dir, String pom, List<String> goals, Map<String, String> environment, String servers,
            String... arguments) throws Exception {
        return start(dir, pom, goals, "", environment, servers, arguments).await();
    }

    private static MavenBuild start(Path dir, String pom, List<String> goals, String mavenOpts,
            Map<String, String> environment, String servers, String... arguments) throws Exception {
        Path project = Files.createTempDirectory(dir, "deploy");
        Files.writeString(project.resolve("pom.xml"), pom);
        // The invoker's settings: LOCAL_REPO as the local repository (the invoker installed the plugin
        // there), the outer build's local repository as the remote "local.central" it came from.
        Path settings = project.resolve("settings.xml");
        Files.writeString(settings, """
                <settings><servers>%2$s</servers><profiles><profile><id>it-repo</id><activation><activeByDefault>true</activeByDefault>
                </activation><repositories><repository><id>local.central</id><url>%1$s</url></repository>
                </repositories><pluginRepositories><pluginRepository><id>local.central</id><url>%1$s</url>
                </pluginRepository></pluginRepositories></profile></profiles></settings>
                """.formatted(OUTER_REPO.toUri(), servers));
        List<String> command = new ArrayList<>(List.of(MVNW.toString(), "-B", "-s", settings.toString(),
                "-Dmaven.repo.local=" + LOCAL_REPO, "-Ddjdd.buildDir=" + ItSupport.cachedBuildDir()));
        command.addAll(List.of(arguments));
        goals.forEach(goal -> command.add("io.github.djdd:djdd-maven-plugin:" + VERSION + ":" + goal));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(project.resolve("build.log").toFile());
        if (!mavenOpts.isEmpty()) {
            builder.environment().put("MAVEN_OPTS", mavenOpts);
        }
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new MavenBuild(project, process);
    }

    /** Runs {@code mvnw djdd:build} on {@code pom} and returns its exit code and log. */
    static Run run(Path dir, String pom, String... arguments) throws Exception {
        return start(dir, pom, arguments).await();
    }

    /** Runs {@code mvnw} with djdd's {@code goals} on {@code pom} and returns its exit code and log. */
    static Run run(Path dir, String pom, List<String> goals, String... arguments) throws Exception {
        return start(dir, pom, goals, arguments).await();
    }

    Run await() throws Exception {
        Path log = project.resolve("build.log");
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("Maven did not finish in 15 minutes: " + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log));
    }

    /**
     * A deployment POM building {@code upstream} with this machine's PyPI mirror; {@code software}
     * null leaves the name to {@code -Ddjdd.software}.
     */
    static String pom(String software, Path upstream, String configuration) {
        List<String> findLinks = new ArrayList<>();
        Path wheelhouse = Path.of(System.getProperty("djdd.it.wheelhouse", "../../shared/wheelhouse"));
        if (Files.isDirectory(wheelhouse)) {
            findLinks.add("<findLink>" + wheelhouse.toAbsolutePath().normalize() + "</findLink>");
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example.deploy</groupId>
                  <artifactId>deploy</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>io.github.djdd</groupId>
                        <artifactId>djdd-maven-plugin</artifactId>
                        <version>%s</version>
                        <configuration>
                          %s
                          <repository>%s</repository>
                          <compression>gzip</compression>
                          <pip><indexUrl>file:///opt/pypi/simple</indexUrl><findLinks>%s</findLinks></pip>
                          %s
                        </configuration>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(VERSION, software == null ? "" : "<software>" + software + "</software>",
                upstream, String.join("", findLinks), configuration);
    }
}
