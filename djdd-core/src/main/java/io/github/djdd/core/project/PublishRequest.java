package io.github.djdd.core.project;

import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.publish.Channel;
import io.github.djdd.core.publish.ValidFor;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link ProjectPublish} publishes and where.
 *
 * @param suite the suite the packages were built for, and the one they are published to
 * @param variants the variants whose last build is published
 * @param target the repository
 * @param keep the site versions kept per variant
 * @param channel the distribution of the suite the packages go to: the suite's own (production), or
 *     its staging distribution, which canary servers follow (a folder repository only)
 */
public record PublishRequest(BuildDir buildDir, String suite, SoftwareName software, SiteVariants variants,
        Target target, int keep, Channel channel) {
    /** The environment variable that holds the signing key's passphrase. */
    public static final String PASSPHRASE_VARIABLE = "DJDD_SIGNING_PASSPHRASE";

    /** Where the packages go. */
    public sealed interface Target permits Folder, Aptly {}

    /**
     * A folder repository that djdd keeps and signs itself.
     *
     * @param keyFile the ASCII-armoured secret key that signs it
     * @param passphrase the key's passphrase, empty for none
     * @param validFor how long the Release each publish signs stays valid
     */
    public record Folder(Path folder, Path keyFile, char[] passphrase, ValidFor validFor) implements Target {}

    /**
     * A local repository of an aptly server, which signs its publications itself.
     *
     * @param url the server's URL
     * @param repo the local repository
     * @param gpgKey the key aptly signs with, empty for its default
     * @param user the user for HTTP basic authentication, empty for none
     * @param password that user's password
     * @param insecure whether a plain http URL is allowed (an aptly on this machine or a trusted network)
     */
    public record Aptly(String url, String repo, Optional<String> gpgKey, Optional<String> user, char[] password,
            boolean insecure) implements Target {}

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
