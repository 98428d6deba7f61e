package io.github.djdd.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoresTest {
    @TempDir
    Path home;

    private Optional<String[]> find(Optional<GitAccess.Server> server, String url) throws Exception {
        return new CredentialStores(home, server, Map.of()).find(new URIish(url));
    }

    @Test
    void theCredentialStoreAnswersForItsOwnSchemeHostPortAndPathOnly() throws Exception {
        Files.writeString(home.resolve(".git-credentials"), String.join("\n",
                "https://ci:wrong-host@git.other.example.com",
                "http://ci:wrong-scheme@git.example.com",
                "https://ci:other-group@git.example.com/other",
                "https://ci%40corp:p%40ss%3Aword@git.example.com/group",
                ""));

        assertThat(find(Optional.empty(), "https://git.example.com/group/app.git"))
                .hasValueSatisfying(found -> assertThat(found).containsExactly("ci@corp", "p@ss:word"));
        assertThat(find(Optional.empty(), "https://git.example.com:8443/group/app.git")).isEmpty();
        assertThat(find(Optional.empty(), "https://git.example.com/groupie/app.git")).isEmpty();
    }

    @Test
    void theServerOfSettingsXmlComesFirstThenTheStoreThenNetrc() throws Exception {
        Files.writeString(home.resolve(".netrc"), "machine git.example.com login netrc password from-netrc\n");
        assertThat(find(Optional.empty(), "https://git.example.com/app.git"))
                .hasValueSatisfying(found -> assertThat(found).containsExactly("netrc", "from-netrc"));

        Files.writeString(home.resolve(".git-credentials"), "https://store:from-store@git.example.com\n");
        assertThat(find(Optional.empty(), "https://git.example.com/app.git"))
                .hasValueSatisfying(found -> assertThat(found).containsExactly("store", "from-store"));

        GitAccess.Server server = new GitAccess.Server("company", "deploy", "from-settings".toCharArray(), null,
                new char[0]);
        assertThat(find(Optional.of(server), "https://git.example.com/app.git"))
                .hasValueSatisfying(found -> assertThat(found).containsExactly("deploy", "from-settings"));
    }
}
