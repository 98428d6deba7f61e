package io.github.djdd.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.deb.DebContent;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.env.EnvLayout;
import io.github.djdd.core.naming.Names;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.project.BuildRequest;
import io.github.djdd.core.source.SourceLayout;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every user value that reaches a generated file, and how it is kept from changing the file's
 * meaning. Values embedded verbatim (nginx.conf, the systemd units, the control utility and its
 * man page, postinst/prerm/postrm, logrotate, the .deb control file) are confined by validation
 * to characters none of those syntaxes treat specially; each rule is proven here with the values
 * an attacker or a typo would bring. The env file quotes instead (see SiteEnvironmentTest), and
 * maintenance.html embeds no value at all.
 */
class InjectionSafetyTest {
    /** Characters that end a token, a statement, a line or a quote in sh, nginx, systemd or troff. */
    static Stream<String> breakouts() {
        return Stream.of("a;touch /tmp/pwned", "a b", "a\nb", "a$(id)", "a`id`", "a'b", "a\"b", "a{b}", "a#b",
                "a\\b", "a|b", "a&b", "a>b", "a*b", ".TH x", "%h", "a\rb", "a\tb");
    }

    interface Check {
        void run(String value) throws Exception;
    }

    static Stream<Arguments> inputs() {
        Map<String, Check> inputs = new LinkedHashMap<>();
        inputs.put("software (every file, paths, user)", SoftwareName::of);
        inputs.put("variant (every file, paths, user)", VariantName::of);
        inputs.put("serverName (nginx server_name, control.1, control file Description, ALLOWED_HOSTS)",
                v -> SiteVariant.builder(new VariantName("blue")).serverName("x" + v).build());
        inputs.put("listen (nginx listen)", v -> SiteVariant.builder(new VariantName("blue")).listen("80" + v).build());
        inputs.put("workers (gunicorn.service ExecStart)",
                v -> SiteVariant.builder(new VariantName("blue")).workers("3" + v).build());
        inputs.put("probePath (postinst, in single quotes)",
                v -> SiteVariant.builder(new VariantName("blue")).probePath("/health" + v).build());
        inputs.put("probeTimeout (postinst, next.service)",
                v -> SiteVariant.builder(new VariantName("blue")).probeTimeout("30" + v).build());
        inputs.put("celeryStopTimeout (celery.service, postinst)",
                v -> SiteVariant.builder(new VariantName("blue")).celeryStopTimeout("600" + v).build());
        inputs.put("variant settings (DJANGO_SETTINGS_MODULE)",
                v -> SiteVariant.builder(new VariantName("blue")).settings("mysite.x" + v).build());
        inputs.put("software settings", v -> SiteOptions.of("mysite.x" + v, null, null, null));
        inputs.put("wsgiApplication (gunicorn.service ExecStart)",
                v -> DjangoSite.of("mysite.settings", "mysite.wsgi:x" + v, null, "/static/", "/media/"));
        inputs.put("celeryApp (celery units ExecStart)",
                v -> DjangoSite.of("mysite.settings", null, "mysite" + v, "/static/", "/media/"));
        inputs.put("STATIC_URL (nginx location)",
                v -> DjangoSite.of("mysite.settings", null, null, "/static" + v + "/", "/media/"));
        inputs.put("MEDIA_URL (nginx location)",
                v -> DjangoSite.of("mysite.settings", null, null, "/static/", "/media" + v + "/"));
        inputs.put("siteVersion (control, postinst, nginx.conf comments, control file)",
                v -> SiteVersion.override("1" + v));
        inputs.put("projectDir (postinst SRC_DIR)", v -> BuildRequest.projectDir("app" + v));
        inputs.put("maintainer (control file, changelog)",
                v -> PackageSettings.maintainer("Ops" + v + " <ops@example.org>"));
        inputs.put("environment key (env file)",
                v -> SiteVariant.builder(new VariantName("blue")).environment(Map.of("KEY" + v, "1")).build());
        return inputs.entrySet().stream().flatMap(input -> breakouts()
                // A control file field may hold quotes and spaces: only a line break or a tab would start another.
                .filter(value -> !input.getKey().startsWith("maintainer") || value.matches("(?s).*[\\n\\r\\t].*"))
                .map(value -> Arguments.of(input.getKey(), value, input.getValue())));
    }

    @ParameterizedTest(name = "{0} refuses {1}")
    @MethodSource("inputs")
    void everyValueEmbeddedVerbatimRefusesBreakoutCharacters(String input, String value, Check check) {
        assertThatThrownBy(() -> check.run(value)).as(input).isInstanceOf(DjddException.class)
                .message().satisfiesAnyOf(m -> assertThat(m).contains(Names.quote(value).replaceAll("^'|'$", "")),
                        m -> assertThat(m).contains(Names.quote("x" + value).replaceAll("^'|'$", "")));
    }

    @Test
    void theMaintainerMayHoldQuotesButNeverALineBreak() throws Exception {
        assertThat(PackageSettings.maintainer("O'Brien \"Ops\" <ops@example.org>"))
                .isEqualTo("O'Brien \"Ops\" <ops@example.org>");
        assertThatThrownBy(() -> PackageSettings.maintainer("Ops <ops@example.org>\nPre-Depends: evil"))
                .hasMessage("Invalid <maintainer> 'Ops <ops@example.org>\\x0aPre-Depends: evil': use one line of the"
                        + " form Name <address@example.org>.");
    }

    @Test
    void environmentValuesReachTheEnvFileOnly() throws Exception {
        String marker = "MARKER\"$(touch /tmp/pwned)`id`\nX=1";
        SiteVariant variant = SiteVariant.builder(new VariantName("berlin"))
                .environment(Map.of("HOSTILE", marker)).build();
        SiteFiles files = new SiteFiles(new SiteLayout(new SoftwareName("mysoftware"), variant.name(), true), variant,
                DjangoSite.of("mysite.settings", null, null, "/static/", "/media/"), new SiteFiles.Release(
                        new SourceLayout(new SoftwareName("mysoftware"), "0123456789ab", ""),
                        new EnvLayout(new SoftwareName("mysoftware"), "ba9876543210"),
                        "0123456789abcdef0123456789abcdef01234567", 13),
                SiteTemplates.DJDD);
        for (DebContent content : files.contents("1")) {
            DebContent.Data data = (DebContent.Data) content;
            String text = new String(data.content(), StandardCharsets.ISO_8859_1);
            if (data.target().endsWith("/env") || data.target().endsWith("/env.default")) {
                assertThat(text).contains("HOSTILE=\"MARKER\\\"\\$(touch /tmp/pwned)\\`id\\`\nX=1\"\n");
            } else {
                assertThat(text).as(data.target()).doesNotContain("MARKER");
            }
        }
        files.scripts("1").forEach((name, text) -> assertThat(text).as(name).doesNotContain("MARKER"));
    }
}
