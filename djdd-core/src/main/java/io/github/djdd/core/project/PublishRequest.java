package io.github.djdd.core.project;

import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@link ProjectPublish} publishes and where.
 *
 * @param suite the suite the packages were built for, and the one they are published to
 * @param variants the variants whose last build is published
 * @param folder the folder repository
 * @param keyFile the ASCII-armoured secret key that signs it
 * @param passphrase the key's passphrase, empty for none
 * @param keep the site versions kept per variant
 */
public record PublishRequest(BuildDir buildDir, String suite, SoftwareName software, SiteVariants variants,
        Path folder, Path keyFile, char[] passphrase, int keep) {
    /** The environment variable that holds the signing key's passphrase. */
    public static final String PASSPHRASE_VARIABLE = "DJDD_SIGNING_PASSPHRASE";

    /**
     * The key's passphrase: the password of the {@code settings.xml} server when one is named,
     * else {@value #PASSPHRASE_VARIABLE}, else none. Never a POM value, which would end up in
     * version control.
     */
    public static char[] passphrase(String serverPassword, Map<String, String> environment) {
        String value = serverPassword != null ? serverPassword : environment.getOrDefault(PASSPHRASE_VARIABLE, "");
        return value.toCharArray();
    }
}
