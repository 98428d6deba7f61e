package io.github.djdd.core.env;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.naming.Names;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How pip finds packages: the {@code <pip>} options plus the standard {@code PIP_*} variables of
 * the build's environment. Index and find-links locations on the build host ({@code file://}
 * URLs or paths) are bind-mounted read-only at the same path inside the build root, so the same
 * URLs work there. For a local index the folder above it is mounted: its pages usually link to
 * the files beside it ({@code simple/../files/}).
 */
public final class PipOptions {
    /** Variables whose values may name folders on the build host. */
    private static final Set<String> LOCATION_VARIABLES = Set.of("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL",
            "PIP_FIND_LINKS");

    private final List<String> arguments;
    private final Map<String, String> environment;
    private final Set<Path> hostFolders;

    private PipOptions(List<String> arguments, Map<String, String> environment, Set<Path> hostFolders) {
        this.arguments = List.copyOf(arguments);
        this.environment = Map.copyOf(environment);
        this.hostFolders = Set.copyOf(hostFolders);
    }

    /**
     * Checks and combines the options.
     *
     * @param findLinks URLs or folders; relative folders are resolved against {@code base}
     * @param processEnvironment the build's environment, whose {@code PIP_*} variables pass through
     */
    public static PipOptions of(String indexUrl, List<String> extraIndexUrls, List<String> findLinks,
            List<String> trustedHosts, List<String> extraArgs, Path base, Map<String, String> processEnvironment)
            throws InvalidConfigurationException {
        List<String> arguments = new ArrayList<>();
        Set<Path> folders = new LinkedHashSet<>();
        if (indexUrl != null && !indexUrl.isBlank()) {
            arguments.addAll(List.of("--index-url", location("indexUrl", indexUrl, false, base, folders)));
        }
        for (String url : extraIndexUrls) {
            arguments.addAll(List.of("--extra-index-url", location("extraIndexUrls", url, false, base, folders)));
        }
        for (String link : findLinks) {
            arguments.addAll(List.of("--find-links", location("findLinks", link, true, base, folders)));
        }
        for (String host : trustedHosts) {
            if (!host.strip().matches("[A-Za-z0-9.-]+(:[0-9]+)?")) {
                throw new InvalidConfigurationException("pip", "Invalid <pip><trustedHosts> entry "
                        + Names.quote(host) + ": use a host name, optionally with :port.");
            }
            arguments.addAll(List.of("--trusted-host", host.strip()));
        }
        arguments.addAll(extraArgs);
        Map<String, String> environment = new LinkedHashMap<>();
        processEnvironment.entrySet().stream()
                .filter(e -> e.getKey().startsWith("PIP_") && !e.getKey().equals("PIP_CACHE_DIR"))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> environment.put(e.getKey(), e.getValue()));
        for (String variable : LOCATION_VARIABLES) {
            for (String value : environment.getOrDefault(variable, "").split("\\s+")) {
                hostFolder(value).filter(Files::isDirectory)
                        .map(folder -> variable.equals("PIP_FIND_LINKS") ? folder : indexRoot(folder))
                        .ifPresent(folders::add);
            }
        }
        return new PipOptions(arguments, environment, folders);
    }

    /** Validates one index or find-links location and notes the host folder it names. */
    private static String location(String setting, String value, boolean pathAllowed, Path base, Set<Path> folders)
            throws InvalidConfigurationException {
        if (value == null || value.isBlank()) {
            throw invalid(setting, value, pathAllowed);
        }
        String text = value.strip();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw invalid(setting, value, pathAllowed);
        }
        String scheme = uri.getScheme();
        if ("http".equals(scheme) || "https".equals(scheme)) {
            if (uri.getHost() == null) {
                throw invalid(setting, value, pathAllowed);
            }
            return text;
        }
        Path folder;
        if ("file".equals(scheme)) {
            try {
                folder = Path.of(uri);
            } catch (IllegalArgumentException e) {
                // file://host/..., file:relative: no folder of this machine.
                throw invalid(setting, value, pathAllowed);
            }
        } else if (scheme == null && pathAllowed) {
            folder = base.resolve(text).toAbsolutePath().normalize();
            text = folder.toString();
        } else {
            throw invalid(setting, value, pathAllowed);
        }
        if (!Files.isDirectory(folder)) {
            throw new InvalidConfigurationException("pip", "The <pip><" + setting + "> folder " + folder
                    + " does not exist on the build machine: fix the path or serve the index over HTTP.");
        }
        folder = folder.toAbsolutePath().normalize();
        folders.add(pathAllowed ? folder : indexRoot(folder));
        return text;
    }

    private static Path indexRoot(Path index) {
        return index.getParent() == null ? index : index.getParent();
    }

    private static InvalidConfigurationException invalid(String setting, String value, boolean pathAllowed) {
        return new InvalidConfigurationException("pip", "Invalid <pip><" + setting + "> " + Names.quote(value)
                + ": use an http, https or file URL" + (pathAllowed ? " or a folder" : "") + ".");
    }

    private static Optional<Path> hostFolder(String value) {
        try {
            if (value.startsWith("file:")) {
                return Optional.of(Path.of(new URI(value)));
            }
            return value.startsWith("/") ? Optional.of(Path.of(value)) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Arguments for {@code pip install}. */
    public List<String> arguments() {
        return arguments;
    }

    /** The {@code PIP_*} variables that pass into the build root. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Host folders pip must see inside the root. */
    public List<BindMount> binds() {
        return hostFolders.stream().sorted().map(BindMount::sameReadOnly).toList();
    }
}
