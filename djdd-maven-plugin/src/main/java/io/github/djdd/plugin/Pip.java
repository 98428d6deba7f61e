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
}
