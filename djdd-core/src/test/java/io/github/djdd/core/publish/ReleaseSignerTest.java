package io.github.djdd.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys made by gpg as an operator would make them; signatures checked by gpgv, as apt does on bookworm. */
class ReleaseSignerTest {
    static final String RELEASE = "Origin: djdd\nSuite: trixie\nCodename: trixie\nDate: Sun, 29 Nov 2026 10:00:00 UTC\n"
            + "Architectures: amd64\nComponents: main\nAcquire-By-Hash: yes\nSHA256:\n"
            + " 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef 1234 main/binary-amd64/Packages\n";

    @TempDir
    Path dir;

    private static int gpgv(Path keyring, Path... files) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("gpgv", "--keyring", keyring.toString()));
        argv.addAll(java.util.Arrays.stream(files).map(Path::toString).toList());
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }

    @Test
    void gpgvAcceptsBothSignaturesAndRefusesAnAlteredRelease() throws Exception {
        ReleaseSigner signer = ReleaseSigner.load(TestDebs.gpgKey(dir, "ops", "s3cret"), "s3cret".toCharArray(), Instant.now());
        Path keyring = Files.write(dir.resolve("keyring.gpg"), signer.publicKeyring());
        Path inRelease = Files.writeString(dir.resolve("InRelease"), signer.clearSign(RELEASE));
        Path release = Files.writeString(dir.resolve("Release"), RELEASE);
        Path detached = Files.writeString(dir.resolve("Release.gpg"), signer.detachedSignature(RELEASE));

        assertThat(gpgv(keyring, inRelease)).isZero();
        assertThat(gpgv(keyring, detached, release)).isZero();
        assertThat(Files.readString(inRelease)).startsWith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
                + RELEASE + "-----BEGIN PGP SIGNATURE-----\n");

        Files.writeString(inRelease, Files.readString(inRelease).replace("1234 main", "1235 main"));
        Files.writeString(release, RELEASE.replace("1234 main", "1235 main"));
        assertThat(gpgv(keyring, inRelease)).isNotZero();
        assertThat(gpgv(keyring, detached, release)).isNotZero();
    }

    @Test
    void aKeyWithoutPassphraseNeedsNone() throws Exception {
        ReleaseSigner signer = ReleaseSigner.load(TestDebs.gpgKey(dir, "plain", ""), new char[0], Instant.now());
        Path keyring = Files.write(dir.resolve("keyring.gpg"), signer.publicKeyring());
        assertThat(gpgv(keyring, Files.writeString(dir.resolve("InRelease"), signer.clearSign(RELEASE)))).isZero();
    }

    @Test
    void aWrongPassphraseSaysWhereThePassphraseComesFrom() throws Exception {
        Path key = TestDebs.gpgKey(dir, "ops", "s3cret");
        assertThatThrownBy(() -> ReleaseSigner.load(key, "wrong".toCharArray(), Instant.now()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("The passphrase does not unlock the key in '" + key + "': set the right one in the"
                        + " DJDD_SIGNING_PASSPHRASE environment variable or as the password of the <server> that"
                        + " -Ddjdd.publish.serverId names in settings.xml.");
    }

    @Test
    void aPublicKeyIsNoSigningKey() throws Exception {
        ReleaseSigner signer = ReleaseSigner.load(TestDebs.gpgKey(dir, "ops", ""), new char[0], Instant.now());
        Path publicKey = Files.write(dir.resolve("public.gpg"), signer.publicKeyring());
        assertThatThrownBy(() -> ReleaseSigner.load(publicKey, new char[0], Instant.now()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("The file '" + publicKey + "' holds no OpenPGP secret key (it holds a public key): export"
                        + " the secret key with 'gpg --armor --export-secret-keys KEYID' and set <keyFile> to that"
                        + " file.");
    }

    @Test
    void aFileThatIsNoKeyAndAMissingFileAreNamed() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a key\n");
        assertThatThrownBy(() -> ReleaseSigner.load(text, new char[0], Instant.now()))
                .hasMessage("The file '" + text + "' holds no OpenPGP secret key: export the secret key with 'gpg"
                        + " --armor --export-secret-keys KEYID' and set <keyFile> to that file.");
        Path missing = dir.resolve("missing.asc");
        assertThatThrownBy(() -> ReleaseSigner.load(missing, new char[0], Instant.now()))
                .hasMessage("The signing key file '" + missing + "' does not exist or cannot be read: set <keyFile>"
                        + " (-Ddjdd.publish.keyFile) to the secret key that signs the repository, exported with 'gpg"
                        + " --armor --export-secret-keys KEYID'.");
    }

    @Test
    void anExpiredKeySaysWhenAndHowToExtendIt() throws Exception {
        Path key = TestDebs.gpgKey(dir, "old", "", "--faked-system-time", "20200101T000000!");
        assertThatThrownBy(() -> ReleaseSigner.load(key, new char[0], Instant.now()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("The signing key in '" + key + "' expired on 2020-12-31: extend it ('gpg"
                        + " --quick-set-expire ")
                .hasMessageEndingWith(" 2y') and export it again, or use another key.");
    }
}
