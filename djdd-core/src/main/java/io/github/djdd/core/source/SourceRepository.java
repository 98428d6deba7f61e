package io.github.djdd.core.source;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.Names;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildLock;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryBuilder;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.FileUtils;

/**
 * The software's clone in {@code {buildDir}/sources/{software}}: a bare mirror of the remote's
 * branches and tags. Builds read commits straight from its object database, so there is no work
 * tree that could hold untracked or modified files.
 */
public final class SourceRepository {
    private static final String REMOTE = "origin";
    private static final RefSpec MIRROR = new RefSpec("+refs/heads/*:refs/heads/*");
    private static final RefSpec TAGS = new RefSpec("+refs/tags/*:refs/tags/*");
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");
    private static final Pattern SCP = Pattern.compile(
            "([A-Za-z0-9._-]+@)?[A-Za-z0-9][A-Za-z0-9.-]*:[^:]+");
    private static final Set<String> REMOTE_SCHEMES = Set.of("http", "https", "ssh", "git",
            "git+ssh", "ssh+git");

    /**
     * git's system-wide configuration, where Debian's git keeps it or where
     * {@code GIT_CONFIG_SYSTEM} points, as git reads it. Told where it is, JGit does not start
     * {@code git} twice to ask, which took a third of a build that changes nothing.
     */
    static final File SYSTEM_CONFIG = systemConfig(System.getenv("GIT_CONFIG_SYSTEM"));

    static {
        FS.DETECTED.setGitSystemConfig(SYSTEM_CONFIG);
    }

    /** How deep submodules of submodules are followed. */
    private static final int SUBMODULE_DEPTH = 8;

    private final Path directory;
    private final SourceOptions options;
    private final Console console;
    /** Why the last fetch failed when this is a clone used as it was; null after a good fetch. */
    private final String unreachable;

    private SourceRepository(Path directory, SourceOptions options, Console console, String unreachable) {
        this.directory = directory;
        this.options = options;
        this.console = console;
        this.unreachable = unreachable;
    }

    public static Path directoryOf(BuildDir buildDir, SoftwareName software) {
        return buildDir.sources().resolve(software.value());
    }

    /**
     * Clones the repository, or fetches into the existing clone (pointing it at {@code url} if that
     * changed, once the fetch from it succeeded). A clone is made under a temporary name and renamed
     * when complete, so a failed or interrupted clone never looks like a clone.
     */
    public static SourceRepository cloneOrFetch(BuildDir buildDir, SoftwareName software, String url,
            SourceOptions options, Console console) throws DjddException {
        return cloneOrFetch(buildDir, software, url, options, false, console);
    }

    /**
     * As {@link #cloneOrFetch(BuildDir, SoftwareName, String, SourceOptions, Console)}, but when the repository
     * cannot be reached and a clone of it exists, goes on with that clone, with a warning: its
     * {@link #resolve(String)} then finds only refs the clone already has.
     */
    public static SourceRepository fetchOrUseClone(BuildDir buildDir, SoftwareName software, String url,
            SourceOptions options, Console console) throws DjddException {
        return cloneOrFetch(buildDir, software, url, options, true, console);
    }

    private static SourceRepository cloneOrFetch(BuildDir buildDir, SoftwareName software, String url,
            SourceOptions options, boolean cloneWhenUnreachable, Console console) throws DjddException {
        if (url == null || url.isBlank()) {
            throw new InvalidConfigurationException("repository", "No repository configured for " + software
                    + ": set <repository> in the deployment POM or pass -Ddjdd.repository=URL.");
        }
        url = checkUrl(url);
        Path directory = directoryOf(buildDir, software);
        try {
            Files.createDirectories(buildDir.sources());
        } catch (IOException e) {
            throw new DjddException("Cannot create " + buildDir.sources() + " (" + e.getMessage() + "): check the"
                    + " build dir.", e);
        }
        try (BuildLock lock = BuildLock.acquire(buildDir.sources().resolve(software.value() + ".lock"),
                "the clone of " + software, console)) {
            SourceRepository repository = new SourceRepository(directory, options, console, null);
            if (Files.isDirectory(directory)) {
                try {
                    repository.fetch(url.strip());
                } catch (Unreachable e) {
                    if (!cloneWhenUnreachable) {
                        throw e.failure;
                    }
                    console.warn("Cannot fetch " + url.strip() + " (" + e.reason + "): going on with the clone in "
                            + directory + ", for refs it already has.");
                    return new SourceRepository(directory, options, console, e.reason);
                }
            } else {
                repository.cloneFrom(url.strip());
            }
            return repository;
        }
    }

    /**
     * Checks {@code <repository>} before any work: a git URL with a host, {@code user@host:path},
     * or a folder of the build machine that exists; no credentials in it, since djdd prints the URL
     * and keeps it in the clone's configuration (an SSH login name, as in {@code git@host}, is
     * none). Catching this early turns JGit's varied errors into one sentence with the fix.
     *
     * @return the URL without surrounding whitespace
     */
    public static String checkUrl(String url) throws InvalidConfigurationException {
        return checkUrl(url, "<repository>");
    }

    /** @param name where the URL comes from, for messages: {@code <repository>} or {@code .gitmodules} */
    private static String checkUrl(String url, String name) throws InvalidConfigurationException {
        String text = url.strip();
        if (text.isEmpty() || text.startsWith("-") || !text.codePoints().allMatch(c -> c > 0x20 && c != 0x7f)) {
            throw invalidUrl(url, name);
        }
        if (URL.matcher(text).lookingAt()) {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw invalidUrl(url, name);
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (REMOTE_SCHEMES.contains(scheme)) {
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    throw invalidUrl(url, name);
                }
                // Over HTTP(S) whatever stands before the host is a secret (a token alone is the usual
                // form); over SSH it is the login, as in git@host, and only a password is one.
                if (uri.getRawUserInfo() != null && (scheme.equals("http") || scheme.equals("https"))) {
                    throw new InvalidConfigurationException("repository", "The " + name + " URL holds credentials"
                            + " before its host (TOKEN@ or user:password@), which djdd would print and keep in the"
                            + " clone's configuration: give the URL without them, and put the username and password or"
                            + " token in a settings.xml <server> named by <repositoryServerId>, in git's credential"
                            + " store (~/.git-credentials) or in ~/.netrc.");
                }
                if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
                    throw new InvalidConfigurationException("repository", "The " + name + " URL holds a password"
                            + " (user:password@), which djdd would print and keep in the clone's configuration: djdd"
                            + " logs in over SSH with keys, not passwords; give the URL without it, and the key in"
                            + " ~/.ssh, in ssh-agent or in a settings.xml <server> with <privateKey> named by"
                            + " <repositoryServerId>.");
                }
                return text;
            }
            if (!scheme.equals("file") || uri.getPath() == null || uri.getPath().isEmpty()
                    || (uri.getAuthority() != null && !uri.getAuthority().isEmpty())) {
                throw invalidUrl(url, name);
            }
        } else if (SCP.matcher(text).matches()) {
            return text;
        } else if (text.contains("://") || text.contains(":")) {
            throw invalidUrl(url, name);
        }
        Path folder = localFolder(text);
        if (!Files.isDirectory(folder)) {
            throw new InvalidConfigurationException("repository", "The " + name + " folder " + Names.quote(
                    folder.toString()) + " does not exist on the build machine: fix the path or use the repository's"
                    + " URL.");
        }
        return text;
    }

    static File systemConfig(String configured) {
        return new File(configured == null || configured.isEmpty() ? "/etc/gitconfig" : configured);
    }

    private static InvalidConfigurationException invalidUrl(String url, String name) {
        return new InvalidConfigurationException("repository", "Invalid " + name + " " + Names.quote(url) + ": use a"
                + " git URL (https://, ssh://, git:// or file://), user@host:path, or a folder on the build machine.");
    }

    /**
     * Checks a configured ref: null means "not given", but an empty one is refused, since building
     * the default branch because a Jenkins parameter came through empty would deploy the wrong code.
     *
     * @param where how the message names the setting, for example {@code -Dref}
     */
    public static String checkRef(String ref, String where) throws InvalidConfigurationException {
        if (ref == null) {
            return null;
        }
        if (ref.isBlank()) {
            throw new InvalidConfigurationException("ref", "The ref given by " + where + " is empty: name a branch,"
                    + " tag or commit, or leave " + where + " out to build the default.");
        }
        return ref.strip();
    }

    /** An existing clone, for builds that must not touch the network. */
    public static SourceRepository existing(BuildDir buildDir, SoftwareName software, SourceOptions options,
            Console console) throws DjddException {
        Path directory = directoryOf(buildDir, software);
        if (!Files.isDirectory(directory)) {
            throw new DjddException("There is no clone of " + software + " in " + directory
                    + ": run 'mvn djdd:src' first.");
        }
        return new SourceRepository(directory, options, console, null);
    }

    public Path directory() {
        return directory;
    }

    private void cloneFrom(String url) throws DjddException {
        Path partial = directory.resolveSibling(directory.getFileName() + ".partial");
        delete(partial);
        console.info("Cloning " + url + " into " + directory);
        try (Git git = Git.init().setBare(true).setDirectory(partial.toFile()).call()) {
            StoredConfig config = git.getRepository().getConfig();
            config.setString("remote", REMOTE, "url", url);
            config.setString("remote", REMOTE, "fetch", MIRROR.toString());
            config.setString("remote", REMOTE, "tagopt", "--no-tags");
            // JGit's background gc would race with the rename below and with concurrent builds. Even
            // with no gc to do, JGit takes gc.log.lock after a fetch and drops it from a thread of its
            // own unless gc.autoDetach is false: after the rename, which logged an error with a stack trace.
            config.setInt("gc", null, "auto", 0);
            config.setBoolean("gc", null, "autoDetach", false);
            config.save();
            followRemoteHead(git, fetchInto(git, url));
        } catch (GitAPIException e) {
            delete(partial);
            throw FetchFailure.of(url, e, options.access()).exception();
        } catch (IOException e) {
            delete(partial);
            throw cannotFetch(url, e);
        } catch (RuntimeException e) {
            delete(partial);
            throw e;
        }
        try {
            Files.move(partial, directory, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DjddException("Cannot move " + partial + " to " + directory + " (" + e.getMessage() + ")", e);
        }
    }

    /** A fetch from the repository's URL that could not reach it; the clone itself is sound. */
    private static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;
        final transient DjddException failure;
        final String reason;

        Unreachable(String reason, DjddException failure) {
            super(reason, failure);
            this.reason = reason;
            this.failure = failure;
        }
    }

    /**
     * Fetches from {@code url} itself, not from the clone's remote: a new {@code <repository>} is
     * saved as the clone's only once its fetch succeeded, so a failed one leaves the clone pointing
     * where it did as well as its refs.
     */
    private void fetch(String url) throws DjddException, Unreachable {
        boolean moved = false;
        try (Git git = Git.open(directory.toFile())) {
            StoredConfig config = git.getRepository().getConfig();
            String previous = config.getString("remote", REMOTE, "url");
            moved = !url.equals(previous);
            if (moved) {
                console.info("The repository changed from " + shown(previous) + " to " + url + ": fetching from the new"
                        + " one.");
            } else if (sameRefsAsLocalRepository(git.getRepository(), url)) {
                console.info("The clone in " + directory + " has every branch and tag of " + url + " already.");
                return;
            }
            console.info("Fetching " + url + " into " + directory);
            FetchResult result = fetchInto(git, url);
            if (moved) {
                config.setString("remote", REMOTE, "url", url);
                config.save();
            }
            followRemoteHead(git, result);
        } catch (GitAPIException e) {
            FetchFailure failure = FetchFailure.of(url, e, options.access());
            // A clone of another repository is no stand-in for this one, nor one behind a key or password that
            // stopped working, or a host whose key changed.
            if (moved || !failure.unreachable()) {
                throw failure.exception();
            }
            throw new Unreachable(FetchFailure.reason(e), failure.exception());
        } catch (IOException e) {
            throw cannotFetch(url, e);
        }
    }

    /**
     * True when {@code url} is a repository on this machine whose branches, tags and default branch
     * are exactly the clone's: then there is nothing to fetch, and reading two ref lists costs far
     * less than starting a fetch. Anything unusual (another URL kind, a repository JGit cannot open)
     * gives false, and the fetch decides.
     */
    private static boolean sameRefsAsLocalRepository(Repository clone, String url) {
        Path folder = localFolder(url);
        File gitDir = folder == null ? null : RepositoryCache.FileKey.resolve(folder.toFile(), FS.DETECTED);
        if (gitDir == null) {
            return false;
        }
        try (Repository remote = new RepositoryBuilder().setGitDir(gitDir).setMustExist(true).build()) {
            Ref remoteHead = remote.exactRef(Constants.HEAD);
            Ref cloneHead = clone.exactRef(Constants.HEAD);
            return remoteHead != null && cloneHead != null && remoteHead.isSymbolic() && cloneHead.isSymbolic()
                    && remoteHead.getTarget().getName().equals(cloneHead.getTarget().getName())
                    && refIds(remote).equals(refIds(clone));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The folder a {@code file:} URL or a path names; null for a URL of another machine. */
    private static Path localFolder(String url) {
        if (URL.matcher(url).lookingAt()) {
            URI uri = URI.create(url);
            return uri.getScheme().equalsIgnoreCase("file") ? Path.of(uri.getPath()) : null;
        }
        return SCP.matcher(url).matches() ? null : Path.of(url).toAbsolutePath().normalize();
    }

    private static Map<String, ObjectId> refIds(Repository repository) throws IOException {
        Map<String, ObjectId> ids = new HashMap<>();
        for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_HEADS, Constants.R_TAGS)) {
            ids.put(ref.getName(), ref.getObjectId());
        }
        return ids;
    }

    /** Mirrors the branches and tags of {@code url}, as the remote's configuration says. */
    private FetchResult fetchInto(Git git, String url) throws GitAPIException {
        return options.access().apply(git.fetch()).setRemote(url).setRefSpecs(MIRROR, TAGS).setTagOpt(TagOpt.NO_TAGS)
                .setRemoveDeletedRefs(true).call();
    }

    /** Points the clone's HEAD where the remote's does, so "no ref" means the remote's default branch. */
    private static void followRemoteHead(Git git, FetchResult result) throws IOException {
        Ref head = result.getAdvertisedRef(Constants.HEAD);
        if (head != null && head.isSymbolic()) {
            git.getRepository().updateRef(Constants.HEAD).link(head.getTarget().getName());
        }
    }

    private static DjddException cannotFetch(String url, Exception e) {
        return new InvalidConfigurationException("repository", "Cannot fetch the repository " + url + " ("
                + FetchFailure.reason(e) + "): check <repository> / -Ddjdd.repository and that the build machine can"
                + " reach it.");
    }

    /**
     * Resolves a branch, tag, or full or abbreviated commit id to a commit; {@code null} or blank
     * means the remote's default branch.
     */
    public ResolvedCommit resolve(String ref) throws DjddException {
        try (Repository repository = Git.open(directory.toFile()).getRepository(); RevWalk walk = new RevWalk(repository)) {
            String wanted = ref == null || ref.isBlank() ? defaultBranch(repository) : ref.strip();
            ObjectId id = lookUp(repository, wanted);
            if (id == null && unreachable != null) {
                throw new BuildFailedException("The clone in " + directory + " has no ref '" + wanted + "', and "
                        + remoteUrl(repository) + " cannot be fetched (" + unreachable + "): make the repository"
                        + " reachable from the build machine, then build again.");
            }
            if (id == null) {
                throw new BuildFailedException("Unknown ref '" + wanted + "' in " + remoteUrl(repository)
                        + ": use a branch, tag or commit of that repository (branches: "
                        + names(repository.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) + ").");
            }
            RevCommit commit = walk.parseCommit(id);
            if (unreachable != null) {
                console.warn("Building '" + wanted + "' as the clone last fetched it: commit " + commit.getName()
                        + "; " + remoteUrl(repository) + " may have newer commits.");
            }
            return new ResolvedCommit(wanted, commit.getName(), Instant.ofEpochSecond(commit.getCommitTime()));
        } catch (MissingObjectException e) {
            throw new BuildFailedException("Ref '" + ref + "' does not name a commit in " + directory
                    + ": use a branch, tag or commit id.", e);
        } catch (IOException e) {
            throw new DjddException("Cannot read the clone in " + directory + " (" + e.getMessage()
                    + "): delete it and run djdd:src again.", e);
        }
    }

    private static String defaultBranch(Repository repository) throws IOException, DjddException {
        Ref head = repository.exactRef(Constants.HEAD);
        if (head == null || !head.isSymbolic() || head.getTarget().getObjectId() == null) {
            throw new BuildFailedException("The repository " + remoteUrl(repository) + " has no default branch:"
                    + " set <ref> on the variant or pass -Dref=BRANCH.");
        }
        return Repository.shortenRefName(head.getTarget().getName());
    }

    private static ObjectId lookUp(Repository repository, String wanted) throws IOException, DjddException {
        Ref ref = repository.findRef(wanted);
        if (ref != null && !ref.getName().equals(Constants.HEAD)) {
            Ref peeled = repository.getRefDatabase().peel(ref);
            return peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : peeled.getObjectId();
        }
        if (!wanted.matches("[0-9a-fA-F]{4,40}")) {
            return null;
        }
        AbbreviatedObjectId abbreviated = AbbreviatedObjectId.fromString(wanted.toLowerCase());
        try (var reader = repository.newObjectReader()) {
            Collection<ObjectId> matches = reader.resolve(abbreviated);
            if (matches.size() > 1) {
                throw new BuildFailedException("Commit id '" + wanted + "' is ambiguous in " + remoteUrl(repository)
                        + ": give more digits.");
            }
            return matches.isEmpty() ? null : matches.iterator().next();
        } catch (AmbiguousObjectException e) {
            throw new BuildFailedException("Commit id '" + wanted + "' is ambiguous: give more digits.", e);
        }
    }

    /**
     * Writes the tree of a commit into {@code target} (which must not exist): files with git's
     * executable bit, symlinks as symlinks, and submodules at the commits it records when
     * {@link SourceOptions#submodules()} says so (fetched into a clone of their own beside this
     * one, with the same access), else left out with a warning. Only what is in the commits
     * appears: no {@code .git}, nothing untracked.
     */
    public void export(ResolvedCommit commit, Path target) throws DjddException {
        export(ObjectId.fromString(commit.id()), target, remoteUrlOf(directory), 0);
    }

    private void export(ObjectId commitId, Path target, String url, int depth) throws DjddException {
        try (Repository repository = Git.open(directory.toFile()).getRepository();
                RevWalk walk = new RevWalk(repository);
                TreeWalk tree = new TreeWalk(repository)) {
            RevCommit commit = walk.parseCommit(commitId);
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            Files.createDirectories(target);
            while (tree.next()) {
                Path file = target.resolve(tree.getPathString());
                FileMode mode = tree.getFileMode(0);
                if (mode == FileMode.GITLINK) {
                    if (!options.submodules()) {
                        console.warn("Leaving out submodule " + tree.getPathString() + ": djdd packages the commit's"
                                + " own files only, unless <submodules>true</submodules>.");
                    } else if (depth >= SUBMODULE_DEPTH) {
                        throw new BuildFailedException("Submodule " + tree.getPathString() + " of " + url + " lies "
                                + depth + " submodules deep: djdd follows " + SUBMODULE_DEPTH + "; flatten the"
                                + " repository's submodules.");
                    } else {
                        submodule(repository, commit, tree.getPathString(), tree.getObjectId(0), url)
                                .export(tree.getObjectId(0), file, submoduleUrl(repository, commit,
                                        tree.getPathString(), url), depth + 1);
                    }
                    continue;
                }
                Files.createDirectories(file.getParent());
                byte[] content = repository.open(tree.getObjectId(0)).getBytes();
                if (mode == FileMode.SYMLINK) {
                    Files.createSymbolicLink(file, Path.of(new String(content, StandardCharsets.UTF_8)));
                } else {
                    Files.write(file, content);
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
                            mode == FileMode.EXECUTABLE_FILE ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        } catch (IOException e) {
            throw new DjddException("Cannot write commit " + commitId.abbreviate(12).name() + " to " + target + " ("
                    + e.getMessage() + "): check the space and permissions of the build dir.", e);
        }
    }

    /**
     * The clone of the submodule at {@code path}, beside this clone ({@code NAME.modules/}), fetched
     * when it lacks the commit the superproject records, which it must then have.
     */
    private SourceRepository submodule(Repository repository, RevCommit commit, String path, ObjectId wanted,
            String url) throws DjddException, IOException {
        String moduleUrl = submoduleUrl(repository, commit, path, url);
        Path modules = directory.resolveSibling(directory.getFileName() + ".modules");
        Files.createDirectories(modules);
        // the path made a file name, with a hash of it so that a/b and a_b never share a clone
        String name = path.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + new ObjectInserter.Formatter()
                .idFor(Constants.OBJ_BLOB, path.getBytes(StandardCharsets.UTF_8)).abbreviate(8).name();
        Path clone = modules.resolve(name);
        try (BuildLock lock = BuildLock.acquire(modules.resolve(name + ".lock"), "the clone of submodule " + path,
                console)) {
            SourceRepository module = new SourceRepository(clone, options, console, null);
            if (!Files.isDirectory(clone)) {
                module.cloneFrom(moduleUrl);
            } else if (!module.has(wanted)) {
                try {
                    module.fetch(moduleUrl);
                } catch (Unreachable e) {
                    throw e.failure;
                }
            }
            if (!module.has(wanted)) {
                throw new BuildFailedException("Submodule " + path + " of commit " + commit.abbreviate(12).name()
                        + " records commit " + wanted.name() + ", which " + moduleUrl + " does not have: push that"
                        + " commit there, or point the submodule at one it has.");
            }
            return module;
        }
    }

    /** Whether the clone has {@code commit}. */
    private boolean has(ObjectId commit) throws IOException {
        try (Repository repository = Git.open(directory.toFile()).getRepository()) {
            return repository.getObjectDatabase().has(commit);
        }
    }

    /**
     * The URL of the submodule at {@code path}, from the commit's {@code .gitmodules}: a relative one
     * ({@code ../lib.git}) against the superproject's URL, as git resolves it.
     */
    private static String submoduleUrl(Repository repository, RevCommit commit, String path, String superUrl)
            throws IOException, DjddException {
        String text;
        try (TreeWalk gitmodules = TreeWalk.forPath(repository, ".gitmodules", commit.getTree())) {
            if (gitmodules == null) {
                throw new BuildFailedException("Commit " + commit.abbreviate(12).name() + " has a submodule at " + path
                        + " but no .gitmodules that says where it comes from: add it with 'git submodule add'.");
            }
            text = new String(repository.open(gitmodules.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
        }
        org.eclipse.jgit.lib.Config config = new org.eclipse.jgit.lib.Config();
        try {
            config.fromText(text);
        } catch (org.eclipse.jgit.errors.ConfigInvalidException e) {
            throw new BuildFailedException("The .gitmodules of commit " + commit.abbreviate(12).name() + " cannot be"
                    + " read (" + e.getMessage() + "): fix it in the repository.", e);
        }
        for (String name : config.getSubsections("submodule")) {
            if (path.equals(config.getString("submodule", name, "path"))) {
                String url = config.getString("submodule", name, "url");
                if (url == null || url.isBlank()) {
                    break;
                }
                String resolved = url.startsWith("./") || url.startsWith("../") ? relative(superUrl, url) : url;
                try {
                    return checkUrl(resolved, ".gitmodules");
                } catch (InvalidConfigurationException e) {
                    throw new BuildFailedException("Submodule " + path + " of commit " + commit.abbreviate(12).name()
                            + " comes from " + Names.quote(shown(resolved)) + ", which djdd cannot fetch: "
                            + e.getMessage(), e);
                }
            }
        }
        throw new BuildFailedException("The .gitmodules of commit " + commit.abbreviate(12).name() + " names no URL"
                + " for the submodule at " + path + ": add it with 'git submodule add URL " + path + "'.");
    }

    /**
     * A relative submodule URL against its superproject's, as git resolves it: the superproject's
     * URL counts as a folder, and each {@code ../} drops one part of its path ({@code user@host:path}
     * URLs too, down to {@code host:}).
     */
    static String relative(String base, String relative) {
        String url = base.replaceAll("/+$", "");
        boolean scp = !url.contains("://") && url.matches("[^/]*:.*");
        int pathStart = url.contains("://") ? url.indexOf('/', url.indexOf("://") + 3) : -1;
        String rest = relative;
        while (rest.startsWith("./") || rest.startsWith("../")) {
            if (rest.startsWith("./")) {
                rest = rest.substring(2);
                continue;
            }
            rest = rest.substring(3);
            int slash = url.lastIndexOf('/');
            int colon = scp ? url.indexOf(':') : -1;
            if (slash > colon && slash >= pathStart && (pathStart >= 0 || !url.contains("://"))) {
                url = url.substring(0, slash);
            } else if (colon >= 0 && slash < colon && !url.endsWith(":")) {
                url = url.substring(0, colon + 1);
            } else {
                // above the server's top: nothing git could fetch either; say so through the fetch
                return base.replaceAll("/+$", "") + "/" + relative;
            }
        }
        return url.endsWith(":") ? url + rest : url + "/" + rest;
    }

    private static String remoteUrl(Repository repository) {
        return repository.getConfig().getString("remote", REMOTE, "url");
    }

    private static String remoteUrlOf(Path clone) throws DjddException {
        try (Repository repository = Git.open(clone.toFile()).getRepository()) {
            return remoteUrl(repository);
        } catch (IOException e) {
            throw new DjddException("Cannot read the clone in " + clone + " (" + e.getMessage() + "): delete it and"
                    + " run djdd:src again.", e);
        }
    }

    /**
     * A URL as messages show it: without what stands before its host over HTTP(S), which may be a
     * token, and without any other URL's password (a clone made before djdd refused such URLs still
     * has one; a .gitmodules may name one). An SSH login such as {@code git@} stays.
     */
    static String shown(String url) {
        if (url == null) {
            return null;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://")
                ? url.replaceFirst("^([^:]+://)[^/@]*@", "$1")
                : url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*):[^/@]*@", "$1@");
    }

    private static String names(List<Ref> refs) {
        return refs.isEmpty() ? "none" : refs.stream().map(ref -> Repository.shortenRefName(ref.getName()))
                .sorted().collect(Collectors.joining(", "));
    }

    private static void delete(Path path) throws DjddException {
        try {
            if (Files.exists(path)) {
                FileUtils.delete(path.toFile(), FileUtils.RECURSIVE | FileUtils.SKIP_MISSING);
            }
        } catch (IOException e) {
            throw new DjddException("Cannot delete " + path + " (" + e.getMessage() + ")", e);
        }
    }
}
