package io.github.djdd.core.env;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.DjddVersion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
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
     * @param distributions what the env installed, with the hashes of the files they came from
     * @param description what the env is, for the document's own component
     */
    public static byte[] of(List<Distribution> distributions, EnvLayout layout, String description, Instant time)
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
        List<Component> components = new ArrayList<>(distributions.stream().map(EnvSbom::component).toList());
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

    /** One component per distribution: its package URL, and the SHA-256 of its file. */
    static Component component(Distribution distribution) {
        Component component = new Component();
        component.setType(Component.Type.LIBRARY);
        component.setName(distribution.name());
        component.setVersion(distribution.version());
        String purl = "pkg:pypi/" + normalized(distribution.name()) + "@" + distribution.version();
        component.setBomRef(purl);
        component.setPurl(purl);
        if (!distribution.summary().isBlank()) {
            component.setDescription(distribution.summary());
        }
        if (distribution.sha256() != null) {
            component.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, distribution.sha256())));
        }
        return component;
    }

    /** The name as Python's packaging normalizes it (PEP 503), which the pypi package URL type uses. */
    static String normalized(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

}
