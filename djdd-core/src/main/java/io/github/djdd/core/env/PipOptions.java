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
import java.util.function.UnaryOperator;

/**
 * How pip finds packages: the {@code <pip>} options plus the standard {@code PIP_*} variables of
 * the build's environment ({@code PIP_INDEX_URL}, {@code PIP_EXTRA_INDEX_URL} and
 * {@code PIP_FIND_LINKS} where the POM sets no location of that kind, as pip lets its options win
 * over its variables). Locations on the build host ({@code file://} URLs or paths) are
 * bind-mounted read-only at the same path inside the build root, so the same URLs work there; for
 * a local index the folder above it is mounted, as its pages usually link to the files beside it
 * ({@code simple/../files/}). Remote locations are reached through djdd's {@link IndexProxy}, so
 * that their credentials never enter the build root.
 */
public final class PipOptions {
    /** pip's own default index, used when nothing names another. */
    static final String PYPI = "https://pypi.org/simple";

    /** Variables that name locations, which become {@link Location}s rather than pass through. */
    private static final Set<String> LOCATION_VARIABLES = Set.of("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL",
            "PIP_FIND_LINKS");

    /**
     * One place pip looks for distributions.
     *
     * @param option pip's option for it
     * @param url its URL or, for find-links, a folder
     */
    public record Location(String option, String url) {
        /** Whether pip reaches it over the network (http or https), rather than in a folder of the build host. */
        public boolean remote() {
            return url.startsWith("http://") || url.startsWith("https://");
        }
    }

    private final List<Location> locations;
    private final List<String> trustedHosts;
    private final List<String> extraArgs;
    private final Map<String, String> environment;
    private final Set<Path> hostFolders;
    private final boolean requireHashes;
    private final Lock lock;

    /**
     * What of a lock file goes into the env.
     *
     * @param file the lock (or requirements file) of the project folder to build from, when not the
     *     one djdd finds ({@code <lockFile>})
     * @param groups the lock's dependency groups to install besides the project's dependencies
     * @param extras the project's extras to install
     * @param installProject whether the project itself (its {@code pyproject.toml}) is built as a
     *     wheel and installed too
     */
    public record Lock(Optional<String> file, List<String> groups, List<String> extras, boolean installProject) {
        /** No lock file named, no group, no extra, not the project. */
        public static final Lock DEFAULT = new Lock(Optional.empty(), List.of(), List.of(), false);

        /** Checks the names: each group and extra a PEP 508 name, the file a name of the project folder. */
        public Lock {
            file = file.map(String::strip).filter(name -> !name.isEmpty());
            groups = names("groups", groups);
            extras = names("extras", extras);
            if (file.isPresent() && (file.get().contains("/") || file.get().startsWith("."))) {
                throw new IllegalArgumentException("<pip><lockFile> " + Names.quote(file.get()) + " is no file name"
                        + " of the project folder: name the lock or requirements file itself, as pylock.toml,"
                        + " uv.lock, poetry.lock or requirements-prod.txt.");
            }
        }

        private static List<String> names(String setting, List<String> values) {
            List<String> out = new ArrayList<>();
            for (String value : values) {
                String name = value == null ? "" : value.strip();
                if (!name.matches("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")) {
                    throw new IllegalArgumentException("<pip><" + setting + "> has " + Names.quote(value) + ", which"
                            + " is no group or extra name: use the names of pyproject.toml, such as dev or postgres.");
                }
                out.add(name);
            }
            return List.copyOf(out);
        }
    }

    private PipOptions(List<Location> locations, List<String> trustedHosts, List<String> extraArgs,
            Map<String, String> environment, Set<Path> hostFolders, boolean requireHashes, Lock lock) {
        this.locations = List.copyOf(locations);
        this.trustedHosts = List.copyOf(trustedHosts);
        this.extraArgs = List.copyOf(extraArgs);
        this.environment = Map.copyOf(environment);
        this.hostFolders = Set.copyOf(hostFolders);
        this.requireHashes = requireHashes;
        this.lock = lock;
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
        List<Location> locations = new ArrayList<>();
        Set<Path> folders = new LinkedHashSet<>();
        if (indexUrl != null && !indexUrl.isBlank()) {
            locations.add(new Location("--index-url", location("indexUrl", indexUrl, false, base, folders)));
        } else {
            variable(processEnvironment, "PIP_INDEX_URL", "--index-url", folders, locations);
        }
        for (String url : extraIndexUrls) {
            locations.add(new Location("--extra-index-url", location("extraIndexUrls", url, false, base, folders)));
        }
        if (extraIndexUrls.isEmpty()) {
            variable(processEnvironment, "PIP_EXTRA_INDEX_URL", "--extra-index-url", folders, locations);
        }
        for (String link : findLinks) {
            locations.add(new Location("--find-links", location("findLinks", link, true, base, folders)));
        }
        if (findLinks.isEmpty()) {
            variable(processEnvironment, "PIP_FIND_LINKS", "--find-links", folders, locations);
        }
        boolean noIndex = extraArgs.contains("--no-index")
                || List.of("1", "true", "yes", "on").contains(processEnvironment.getOrDefault("PIP_NO_INDEX", "")
                        .strip().toLowerCase(java.util.Locale.ROOT));
        if (!noIndex && locations.stream().noneMatch(location -> location.option().equals("--index-url"))) {
            // pip's default index, named, so that it is reached through djdd's proxy like any other
            locations.add(0, new Location("--index-url", PYPI));
        }
        List<String> hosts = new ArrayList<>();
        for (String host : trustedHosts) {
            if (!host.strip().matches("[A-Za-z0-9.-]+(:[0-9]+)?")) {
                throw new InvalidConfigurationException("pip", "Invalid <pip><trustedHosts> entry "
                        + Names.quote(host) + ": use a host name, optionally with :port.");
            }
            hosts.add(host.strip());
        }
        Map<String, String> environment = new LinkedHashMap<>();
        processEnvironment.entrySet().stream()
                .filter(e -> e.getKey().startsWith("PIP_") && !e.getKey().equals("PIP_CACHE_DIR")
                        && !LOCATION_VARIABLES.contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> environment.put(e.getKey(), e.getValue()));
        return new PipOptions(locations, hosts, extraArgs, environment, folders, false, Lock.DEFAULT);
    }

    /** The same options, refusing any requirement without a {@code --hash} when {@code value} is true. */
    public PipOptions withRequireHashes(boolean value) {
        return new PipOptions(locations, trustedHosts, extraArgs, environment, hostFolders, value, lock);
    }

    /**
     * The same options with what of a lock file goes into the env.
     *
     * @throws InvalidConfigurationException when a group, extra or the file is no valid name
     */
    public PipOptions withLock(String file, List<String> groups, List<String> extras, boolean installProject)
            throws InvalidConfigurationException {
        try {
            return new PipOptions(locations, trustedHosts, extraArgs, environment, hostFolders, requireHashes,
                    new Lock(Optional.ofNullable(file), groups, extras, installProject));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("pip", e.getMessage());
        }
    }

    /** A location variable's values: pip's whitespace-separated list; folders on the build host are mounted. */
    private static void variable(Map<String, String> processEnvironment, String variable, String option,
            Set<Path> folders, List<Location> locations) {
        for (String value : processEnvironment.getOrDefault(variable, "").strip().split("\\s+")) {
            if (value.isEmpty()) {
                continue;
            }
            locations.add(new Location(option, value));
            hostFolder(value).filter(Files::isDirectory)
                    .map(folder -> option.equals("--find-links") ? folder : indexRoot(folder))
                    .ifPresent(folders::add);
            if (option.equals("--index-url")) {
                return;
            }
        }
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

    /** Where pip looks, in order: the index, the extra indexes, the find-links. */
    public List<Location> locations() {
        return locations;
    }

    /** Arguments for {@code pip install} as configured. */
    public List<String> arguments() {
        return arguments(UnaryOperator.identity());
    }

    /**
     * Arguments for {@code pip install}, each location's URL as {@code url} maps it (a remote one
     * to djdd's proxy); {@code --require-hashes} when asked.
     */
    public List<String> arguments(UnaryOperator<Location> url) {
        List<String> arguments = new ArrayList<>();
        for (Location location : locations) {
            Location mapped = url.apply(location);
            arguments.addAll(List.of(mapped.option(), mapped.url()));
        }
        trustedHosts.forEach(host -> arguments.addAll(List.of("--trusted-host", host)));
        if (requireHashes) {
            arguments.add("--require-hashes");
        }
        arguments.addAll(extraArgs);
        return arguments;
    }

    /**
     * Arguments for the offline {@code pip install} in the sandbox: the locations on the build
     * host, {@code --no-index} when none of them is an index (the remote ones are out of reach
     * there), and the extra arguments.
     */
    public List<String> offlineArguments() {
        List<String> arguments = new ArrayList<>();
        boolean index = false;
        for (Location location : locations) {
            if (!location.remote()) {
                boolean isIndex = !location.option().equals("--find-links");
                arguments.addAll(List.of(isIndex ? (index ? "--extra-index-url" : "--index-url") : location.option(),
                        location.url()));
                index |= isIndex;
            }
        }
        if (!index) {
            arguments.add("--no-index");
        }
        arguments.addAll(extraArgs);
        return arguments;
    }

    /** What of a lock file goes into the env. */
    public Lock lock() {
        return lock;
    }

    /** Whether every requirement must carry a {@code --hash}. */
    public boolean requireHashes() {
        return requireHashes;
    }

    /** The {@code PIP_*} variables that pass into the build root: all but the locations and the cache. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Host folders pip must see inside the root. */
    public List<BindMount> binds() {
        return hostFolders.stream().sorted().map(BindMount::sameReadOnly).toList();
    }
}
