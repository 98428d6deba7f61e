package io.github.djdd.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.Console;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SiteEnvironmentTest {
    private static final SiteLayout BLUE = new SiteLayout(new SoftwareName("mysoftware"), new VariantName("blue"),
            true);

    @TempDir
    Path dir;

    @Test
    void theSiteSeesDjddsVariablesThenItsOwn() throws Exception {
        SiteVariant variant = SiteVariant.builder(new VariantName("blue"))
                .environment(Map.of("DEBUG", "1", "ALLOWED_HOSTS", "a.example.com b.example.com")).build();
        Map<String, String> env = SiteEnvironment.of(BLUE, variant, "mysite.settings", "blue.example.com");
        assertThat(env).containsEntry("DJANGO_SETTINGS_MODULE", "mysite.settings")
                .containsEntry("PYTHONPATH", "/var/lib/mysoftware-site/blue/src")
                .containsEntry("DATABASE", "mysoftware-blue")
                .containsEntry("DATABASE_URL", "postgres:///mysoftware-blue")
                .containsEntry("CACHE_URL", "pymemcache:///run/mysoftware-site/blue-cache/memcached.sock")
                .containsEntry("MEMCACHED_LOCATION", "unix:/run/mysoftware-site/blue-cache/memcached.sock")
                .containsEntry("STATIC_ROOT", "/usr/lib/mysoftware-site/blue/static")
                .containsEntry("MEDIA_ROOT", "/var/lib/mysoftware-site/blue/media")
                .containsEntry("ALLOWED_HOSTS", "a.example.com b.example.com")
                .containsEntry("DEBUG", "1")
                .doesNotContainKeys("SECRET_KEY", "CELERY_BROKER_URL");
    }

    @Test
    void switchedOffServicesLeaveNoVariables() throws Exception {
        SiteVariant variant = SiteVariant.builder(new VariantName("blue")).database(false).cache(false)
                .queue(false).celery(false).build();
        assertThat(SiteEnvironment.of(BLUE, variant, "mysite.settings", "*.example.com"))
                .doesNotContainKeys("DATABASE", "DATABASE_URL", "CACHE_URL", "MEMCACHED_LOCATION")
                .containsEntry("ALLOWED_HOSTS", ".example.com");
    }

    @Test
    void collectstaticGetsPlaceholdersForTheSecretsOnly() {
        Map<String, String> env = SiteEnvironment.forCollectStatic(Map.of("DATABASE_URL", "postgres:///x", "A", "1"));
        assertThat(env).containsEntry("SECRET_KEY", SiteEnvironment.PLACEHOLDER_SECRET_KEY)
                .containsEntry("DATABASE_URL", "postgres:///x").containsEntry("CELERY_BROKER_URL", "memory://")
                .containsEntry("A", "1");
    }

    @Test
    void everyValueReachesTheShellUnchanged() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PLAIN", "value");
        env.put("QUOTES", "say \"hi\" and 'bye'");
        env.put("DOLLAR", "$HOME ${PATH} $(id) `id`");
        env.put("BACKSLASH", "a\\b\\\\c\\");
        env.put("NEWLINES", "line one\nline two\n");
        env.put("EMPTY", "");
        env.put("INJECTION", "\"; touch " + dir.resolve("pwned") + "; X=\"");
        Path file = dir.resolve("env");
        Files.writeString(file, SiteEnvironment.render(env, "header\nsecond line"));
        for (Map.Entry<String, String> entry : env.entrySet()) {
            String script = "set -a; . \"$1\"; set +a; printf '%s' \"$" + entry.getKey() + "\"";
            var result = new ProcessRunner(Console.NULL).check(Command.of("sh", "-c", script, "sh", file.toString())
                    .quietly());
            assertThat(String.join("\n", result.output())).as(entry.getKey())
                    .isEqualTo(entry.getValue().replaceAll("\n+$", ""));
        }
        assertThat(dir.resolve("pwned")).doesNotExist();
        assertThat(Files.readString(file)).startsWith("# header\n# second line\nPLAIN=\"value\"\n");
    }

    /** Values that break naive env files: each must come back byte for byte. */
    static Map<String, String> hostileValues() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NEWLINES", "line one\nline two\n\n");
        env.put("DOUBLE", "say \"hi\"");
        env.put("SINGLE", "it's 'quoted'");
        env.put("DOLLAR", "$HOME ${PATH} $(touch pwned) $((1+1))");
        env.put("BACKTICK", "`touch pwned`");
        env.put("BACKSLASH", "a\\b\\\\c\\");
        env.put("BACKSLASH_NEWLINE", "end\\\nnext\\");
        env.put("HASH", "#not a comment # nor this");
        env.put("SEMICOLON", ";touch pwned; X=1");
        env.put("SPACES", "  leading and trailing  ");
        env.put("NEWLINE_COMMENT", "x\n# comment?\n; also?\nKEY=injected");
        env.put("CLOSE_QUOTE", "\"\ntouch pwned\nX=\"");
        env.put("CONTROL", "tab\tcr\rbell\u0007esc\u001b");
        env.put("UNICODE", "Zürich 東京 \uD83D\uDE00");
        env.put("EMPTY", "");
        return env;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "dash", "bash"})
    void everyHostileValueReachesTheShellByteForByte(String shell) throws Exception {
        Map<String, String> env = hostileValues();
        Path file = dir.resolve("env");
        Files.writeString(file, SiteEnvironment.render(env, "header"));
        Path dump = dir.resolve("dump");
        // env -0 separates variables with NUL, so newlines inside values survive the round trip.
        // In the test's folder, so that a value that ran "touch pwned" would leave the file the test looks for.
        new ProcessRunner(Console.NULL).check(Command.of("env", "-i", "/bin/" + shell, "-c",
                "cd \"$3\" && set -a && . \"$1\" && set +a && env -0 > \"$2\"", shell, file.toString(),
                dump.toString(), dir.toString()).quietly());
        Map<String, String> seen = new LinkedHashMap<>();
        for (String entry : new String(Files.readAllBytes(dump), StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                seen.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        env.forEach((key, value) -> assertThat(seen.get(key)).as(shell + " " + key).isEqualTo(value));
        assertThat(seen).doesNotContainKey("KEY").doesNotContainKey("X");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void systemdsEnvironmentFileRulesReadTheSameValues() throws Exception {
        Map<String, String> env = hostileValues();
        assertThat(SystemdEnvironmentFile.parse(SiteEnvironment.render(env, "header\n; second"))).isEqualTo(env);
    }

    @Test
    void withoutEscapingTheFileWouldBreak() {
        // Proves the two tests above can fail: the same values unescaped do not survive.
        Map<String, String> env = hostileValues();
        StringBuilder naive = new StringBuilder();
        env.forEach((key, value) -> naive.append(key).append("=\"").append(value).append("\"\n"));
        assertThat(SystemdEnvironmentFile.parse(naive.toString())).isNotEqualTo(env);
    }
}
