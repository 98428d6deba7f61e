package io.github.djdd.core.env;

import com.fasterxml.jackson.jr.ob.JSON;
import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.DjddVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.metadata.ToolInformation;

/**
 * The software bill of materials of an env package: a CycloneDX JSON document listing every
 * Python distribution pip installed into the virtualenv, with its version, its package URL and
 * the hashes of the file it came from, read from pip's installation report
 * ({@code pip install --report}). The same report and package give the same bytes: the serial
 * number derives from the package name and the timestamp is the package's.
 */
public final class EnvSbom {
    /** The document's name in the package's {@link EnvLayout#shareDir()}. */
    public static final String FILE = "sbom.cdx.json";

    private EnvSbom() {}

    /**
     * @param report pip's installation report (JSON, report version 1)
     * @param description what the env is, for the document's own component
     */
    public static byte[] of(byte[] report, EnvLayout layout, String description, Instant time)
            throws BuildFailedException {
        Bom bom = new Bom();
        bom.setSerialNumber("urn:uuid:" + UUID.nameUUIDFromBytes(layout.packageName().getBytes(StandardCharsets.UTF_8)));
        Metadata metadata = new Metadata();
        metadata.setTimestamp(Date.from(time));
        Component env = new Component();
        env.setType(Component.Type.APPLICATION);
        env.setBomRef(layout.packageName());
        env.setName(layout.packageName());
        env.setVersion("1");
        env.setDescription(description);
        metadata.setComponent(env);
        Component djdd = new Component();
        djdd.setType(Component.Type.APPLICATION);
        djdd.setName("djdd");
        djdd.setVersion(DjddVersion.get());
        ToolInformation tools = new ToolInformation();
        tools.setComponents(List.of(djdd));
        metadata.setToolChoice(tools);
        bom.setMetadata(metadata);
        List<Component> components = new ArrayList<>(distributions(report));
        components.sort(Comparator.comparing(Component::getName).thenComparing(Component::getVersion));
        bom.setComponents(components);
        try {
            return BomGeneratorFactory.createJson(Version.VERSION_16, bom).toJsonString()
                    .getBytes(StandardCharsets.UTF_8);
        } catch (GeneratorException e) {
            throw new BuildFailedException("Cannot write the SBOM of " + layout.packageName() + " ("
                    + e.getMessage() + ")", e);
        }
    }

    /** One component per entry of the report's {@code install} list. */
    static List<Component> distributions(byte[] report) throws BuildFailedException {
        Map<String, Object> parsed;
        try {
            parsed = JSON.std.mapFrom(report);
        } catch (IOException e) {
            throw new BuildFailedException("pip's installation report is not JSON (" + e.getMessage() + "): the"
                    + " build root's pip is too old for --report; djdd needs pip 22.2 or newer (Debian 12 and later).",
                    e);
        }
        List<Component> components = new ArrayList<>();
        if (!(parsed.get("install") instanceof List<?> installed)) {
            throw new BuildFailedException("pip's installation report has no 'install' list: djdd reads report"
                    + " version 1 (pip 22.2 or newer); this one says version " + parsed.get("version") + ".");
        }
        for (Object entry : installed) {
            Map<?, ?> item = (Map<?, ?>) entry;
            Map<?, ?> metadata = (Map<?, ?>) item.get("metadata");
            String name = String.valueOf(metadata.get("name"));
            String version = String.valueOf(metadata.get("version"));
            Component component = new Component();
            component.setType(Component.Type.LIBRARY);
            component.setName(name);
            component.setVersion(version);
            component.setBomRef("pkg:pypi/" + normalized(name) + "@" + version);
            component.setPurl("pkg:pypi/" + normalized(name) + "@" + version);
            if (metadata.get("summary") instanceof String summary && !summary.isBlank()) {
                component.setDescription(summary.strip());
            }
            if (item.get("download_info") instanceof Map<?, ?> download
                    && download.get("archive_info") instanceof Map<?, ?> archive
                    && archive.get("hashes") instanceof Map<?, ?> hashes) {
                List<Hash> known = new ArrayList<>();
                hashes.forEach((algorithm, value) -> algorithm(String.valueOf(algorithm))
                        .ifPresent(a -> known.add(new Hash(a, String.valueOf(value)))));
                known.sort(Comparator.comparing(Hash::getAlgorithm));
                component.setHashes(known);
            }
            components.add(component);
        }
        return components;
    }

    /** The name as Python's packaging normalizes it (PEP 503), which the pypi package URL type uses. */
    static String normalized(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    private static Optional<Hash.Algorithm> algorithm(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sha256" -> Optional.of(Hash.Algorithm.SHA_256);
            case "sha384" -> Optional.of(Hash.Algorithm.SHA_384);
            case "sha512" -> Optional.of(Hash.Algorithm.SHA_512);
            case "sha1" -> Optional.of(Hash.Algorithm.SHA1);
            case "md5" -> Optional.of(Hash.Algorithm.MD5);
            default -> Optional.empty();
        };
    }
}
