package io.github.djdd.core.publish;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.Names;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.BCPGOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * Signs a repository's {@code Release} with the operator's OpenPGP key through Bouncy Castle,
 * so the build machine needs no gpg agent or keyring: {@code InRelease} (clear-signed) and
 * {@code Release.gpg} (detached), both SHA-512, which apt's verifiers on bookworm (gpgv) and
 * trixie (sqv) accept. The key is read from an ASCII-armoured secret key file
 * ({@code gpg --armor --export-secret-keys KEYID}); the newest key of the ring that may sign
 * data and has not expired signs.
 */
public final class ReleaseSigner {
    private final PGPPublicKeyRing publicKeys;
    private final PGPPublicKey signingKey;
    private final PGPPrivateKey privateKey;

    private ReleaseSigner(PGPPublicKeyRing publicKeys, PGPPublicKey signingKey, PGPPrivateKey privateKey) {
        this.publicKeys = publicKeys;
        this.signingKey = signingKey;
        this.privateKey = privateKey;
    }

    /**
     * Reads and unlocks the key in {@code keyFile}.
     *
     * @param passphrase the key's passphrase; empty for a key without one
     * @param now the time the key must be valid at
     */
    public static ReleaseSigner load(Path keyFile, char[] passphrase, Instant now) throws InvalidConfigurationException {
        String shown = Names.quote(keyFile.toString());
        if (!Files.isRegularFile(keyFile) || !Files.isReadable(keyFile)) {
            throw new InvalidConfigurationException("keyFile", "The signing key file " + shown + " does not exist or"
                    + " cannot be read: set <keyFile> (-Ddjdd.publish.keyFile) to the secret key that signs the"
                    + " repository, exported with 'gpg --armor --export-secret-keys KEYID'.");
        }
        PGPSecretKeyRing ring = secretKeys(keyFile, shown);
        List<PGPSecretKey> candidates = new ArrayList<>();
        List<PGPSecretKey> expired = new ArrayList<>();
        for (Iterator<PGPSecretKey> keys = ring.getSecretKeys(); keys.hasNext();) {
            PGPSecretKey key = keys.next();
            if (key.isPrivateKeyEmpty() || !maySign(key.getPublicKey(), ring.getPublicKey())) {
                continue;
            }
            (expiry(key.getPublicKey()) != null && !expiry(key.getPublicKey()).isAfter(now) ? expired : candidates)
                    .add(key);
        }
        if (candidates.isEmpty() && !expired.isEmpty()) {
            Instant when = expiry(expired.get(0).getPublicKey());
            throw new InvalidConfigurationException("keyFile", "The signing key in " + shown + " expired on "
                    + LocalDate.ofInstant(when, ZoneOffset.UTC) + ": extend it ('gpg --quick-set-expire "
                    + fingerprint(ring.getPublicKey()) + " 2y') and export it again, or use another key.");
        }
        if (candidates.isEmpty()) {
            throw new InvalidConfigurationException("keyFile", "The key in " + shown + " has no secret key that may"
                    + " sign: export a key with signing capability ('gpg --armor --export-secret-keys KEYID').");
        }
        PGPSecretKey key = candidates.stream().max(Comparator.comparing(k -> k.getPublicKey().getCreationTime()))
                .orElseThrow();
        try {
            PGPPrivateKey privateKey = key.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(
                    new BcPGPDigestCalculatorProvider()).build(passphrase));
            List<PGPPublicKey> publicKeys = new ArrayList<>();
            ring.getPublicKeys().forEachRemaining(publicKeys::add);
            return new ReleaseSigner(new PGPPublicKeyRing(publicKeys), key.getPublicKey(), privateKey);
        } catch (PGPException e) {
            throw new InvalidConfigurationException("passphrase", "The passphrase does not unlock the key in " + shown
                    + ": set the right one in the DJDD_SIGNING_PASSPHRASE environment variable or as the password of"
                    + " the <server> that -Ddjdd.publish.serverId names in settings.xml.");
        }
    }

    private static PGPSecretKeyRing secretKeys(Path keyFile, String shown) throws InvalidConfigurationException {
        Object first;
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(keyFile))) {
            first = new PGPObjectFactory(in, new BcKeyFingerprintCalculator()).nextObject();
        } catch (IOException | RuntimeException e) {
            first = null;
        }
        if (first instanceof PGPSecretKeyRing ring) {
            return ring;
        }
        throw new InvalidConfigurationException("keyFile", "The file " + shown + " holds no OpenPGP secret key"
                + (first instanceof PGPPublicKeyRing ? " (it holds a public key)" : "") + ": export the secret key"
                + " with 'gpg --armor --export-secret-keys KEYID' and set <keyFile> to that file.");
    }

    /** Whether the key's self-signature (primary) or binding signature (subkey) allows signing data. */
    private static boolean maySign(PGPPublicKey key, PGPPublicKey primary) {
        int type = key.isMasterKey() ? -1 : PGPSignature.SUBKEY_BINDING;
        boolean flagged = false;
        for (Iterator<PGPSignature> signatures = key.getSignatures(); signatures.hasNext();) {
            PGPSignature signature = signatures.next();
            if ((type == -1 ? signature.isCertification() : signature.getSignatureType() == type)
                    && signature.getKeyID() == primary.getKeyID() && signature.getHashedSubPackets() != null) {
                int flags = signature.getHashedSubPackets().getKeyFlags();
                if (flags != 0) {
                    flagged = true;
                    if ((flags & KeyFlags.SIGN_DATA) != 0) {
                        return !key.hasRevocation();
                    }
                }
            }
        }
        // A key without flags (from before they existed) signs if it is the primary key.
        return !flagged && key.isMasterKey() && !key.hasRevocation();
    }

    /** When the key expires, or null when it does not. */
    private static Instant expiry(PGPPublicKey key) {
        long seconds = key.getValidSeconds();
        return seconds == 0 ? null : key.getCreationTime().toInstant().plusSeconds(seconds);
    }

    private static String fingerprint(PGPPublicKey key) {
        return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }

    /** The fingerprint of the key that signs, as gpg prints it. */
    public String fingerprint() {
        return fingerprint(signingKey);
    }

    /** {@code InRelease}: {@code text} (which ends with a line break) clear-signed. */
    public String clearSign(String text) {
        try {
            PGPSignatureGenerator generator = generator(PGPSignature.CANONICAL_TEXT_DOCUMENT);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out)) {
                armored.beginClearText(HashAlgorithmTags.SHA512);
                String[] lines = text.split("\n", -1);
                int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
                for (int i = 0; i < count; i++) {
                    byte[] line = lines[i].getBytes(StandardCharsets.UTF_8);
                    if (i > 0) {
                        generator.update(new byte[] {'\r', '\n'});
                    }
                    // RFC 4880 7.1: trailing spaces are not signed; the last line break is not either.
                    generator.update(line, 0, withoutTrailingWhitespace(line));
                    armored.write(line);
                    armored.write('\n');
                }
                armored.endClearText();
                generator.generate().encode(new BCPGOutputStream(armored));
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException | PGPException e) {
            throw new IllegalStateException("Signing in memory failed: " + e.getMessage(), e);
        }
    }

    /** {@code Release.gpg}: the ASCII-armoured detached signature of {@code text}. */
    public String detachedSignature(String text) {
        try {
            PGPSignatureGenerator generator = generator(PGPSignature.BINARY_DOCUMENT);
            generator.update(text.getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out)) {
                generator.generate().encode(new BCPGOutputStream(armored));
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException | PGPException e) {
            throw new IllegalStateException("Signing in memory failed: " + e.getMessage(), e);
        }
    }

    /** The public keys, binary, as a file that {@code Signed-By} names. */
    public byte[] publicKeyring() {
        try {
            return publicKeys.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("Encoding a key in memory failed: " + e.getMessage(), e);
        }
    }

    private PGPSignatureGenerator generator(int type) throws PGPException {
        PGPSignatureGenerator generator = new PGPSignatureGenerator(new BcPGPContentSignerBuilder(
                signingKey.getAlgorithm(), HashAlgorithmTags.SHA512), signingKey);
        generator.init(type, privateKey);
        PGPSignatureSubpacketGenerator subpackets = new PGPSignatureSubpacketGenerator();
        subpackets.setIssuerFingerprint(false, signingKey);
        generator.setHashedSubpackets(subpackets.generate());
        return generator;
    }

    private static int withoutTrailingWhitespace(byte[] line) {
        int end = line.length;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) {
            end--;
        }
        return end;
    }
}
