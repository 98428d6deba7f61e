package io.github.djdd.plugin;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code <pip>} settings: where pip finds the project's Python packages. The standard
 * {@code PIP_*} variables of the build's environment apply too.
 *
 * @since 0.1.0
 */
public class Pip {
    /** The package index ({@code --index-url}): an http, https or file URL. */
    private String indexUrl;

    /** More indexes ({@code --extra-index-url}). */
    private List<String> extraIndexUrls = new ArrayList<>();

    /** Folders or URLs with wheels ({@code --find-links}); relative folders are relative to the POM. */
    private List<String> findLinks = new ArrayList<>();

    /** Hosts pip may reach without valid TLS ({@code --trusted-host}). */
    private List<String> trustedHosts = new ArrayList<>();

    /** Further arguments for {@code pip install}, one per element. */
    private List<String> extraArgs = new ArrayList<>();

    /** Whether every requirement must be pinned with {@code ==} and carry a {@code --hash}. */
    private boolean requireHashes;

    /**
     * The lock or requirements file of the project folder to build the env from, when not the one
     * djdd finds: {@code pylock.toml}, {@code uv.lock}, {@code poetry.lock}, then
     * {@code requirements.txt}.
     *
     * @since 0.2.0
     */
    private String lockFile;

    /**
     * The lock's dependency groups to install besides the project's dependencies; none by default
     * (development groups stay out).
     *
     * @since 0.2.0
     */
    private List<String> groups = new ArrayList<>();

    /**
     * The project's extras ({@code [project.optional-dependencies]}) to install from the lock.
     *
     * @since 0.2.0
     */
    private List<String> extras = new ArrayList<>();

    /**
     * Whether the project itself ({@code pyproject.toml} with {@code [project]}) is built as a wheel,
     * offline in the sandbox, and installed into the env; a lock file input only.
     *
     * @since 0.2.0
     */
    private boolean installProject;

    public String getIndexUrl() {
        return indexUrl;
    }

    public void setIndexUrl(String indexUrl) {
        this.indexUrl = indexUrl;
    }

    public List<String> getExtraIndexUrls() {
        return extraIndexUrls;
    }

    public void setExtraIndexUrls(List<String> extraIndexUrls) {
        this.extraIndexUrls = extraIndexUrls;
    }

    public List<String> getFindLinks() {
        return findLinks;
    }

    public void setFindLinks(List<String> findLinks) {
        this.findLinks = findLinks;
    }

    public List<String> getTrustedHosts() {
        return trustedHosts;
    }

    public void setTrustedHosts(List<String> trustedHosts) {
        this.trustedHosts = trustedHosts;
    }

    public List<String> getExtraArgs() {
        return extraArgs;
    }

    public void setExtraArgs(List<String> extraArgs) {
        this.extraArgs = extraArgs;
    }

    public boolean isRequireHashes() {
        return requireHashes;
    }

    public void setRequireHashes(boolean requireHashes) {
        this.requireHashes = requireHashes;
    }

    public String getLockFile() {
        return lockFile;
    }

    public void setLockFile(String lockFile) {
        this.lockFile = lockFile;
    }

    public List<String> getGroups() {
        return groups;
    }

    public void setGroups(List<String> groups) {
        this.groups = groups;
    }

    public List<String> getExtras() {
        return extras;
    }

    public void setExtras(List<String> extras) {
        this.extras = extras;
    }

    public boolean isInstallProject() {
        return installProject;
    }

    public void setInstallProject(boolean installProject) {
        this.installProject = installProject;
    }
}
