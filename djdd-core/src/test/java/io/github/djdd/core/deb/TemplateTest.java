package io.github.djdd.core.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

    @Test
    void byteCompileScriptsNameTheFolderAndInterpreter() {
        Map<String, String> scripts = ByteCompile.scripts("/usr/lib/sw-env/abc/bin/python", "/usr/lib/sw-env/abc");

        assertThat(scripts.get("postinst")).startsWith("#!/bin/sh\n").contains("set -e\n")
                .contains("/usr/lib/sw-env/abc/bin/python -m compileall -q -j 0 /usr/lib/sw-env/abc")
                .doesNotContain("@");
        assertThat(scripts.get("prerm")).contains("find /usr/lib/sw-env/abc -name __pycache__").doesNotContain("@");
    }

    @Test
    void missingValueFailsWithThePlaceholder() {
        assertThatThrownBy(() -> Template.resource("compile-prerm").render(Map.of()))
                .hasMessageContaining("needs a value for @dir@");
    }

    @Test
    void docsCarryACompressedChangelogThatDependsOnTheTextOnly() {
        DebControl control = new DebControl("sw-src-abc", "1", "all", DebControl.DEFAULT_MAINTAINER,
                List.of(), "web", "s", List.of("d"));
        Instant time = Instant.parse("2026-01-01T00:00:00Z");

        var first = PackageDocs.of(control, "sw", "Change.", time, Map.of("tag", "Why."));
        var second = PackageDocs.of(control, "sw", "Change.", time, Map.of("tag", "Why."));

        assertThat(first).extracting(c -> ((DebContent.Data) c).target()).containsExactly(
                "/usr/share/doc/sw-src-abc/copyright", "/usr/share/doc/sw-src-abc/changelog.gz",
                "/usr/share/lintian/overrides/sw-src-abc");
        assertThat(((DebContent.Data) first.get(1)).content()).isEqualTo(((DebContent.Data) second.get(1)).content());
        assertThat(new String(((DebContent.Data) first.get(2)).content())).isEqualTo("# Why.\nsw-src-abc: tag\n");
    }
}
