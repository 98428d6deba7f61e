package io.github.djdd.core.source;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.transport.URIish;

/**
 * Why a clone or fetch failed, in one sentence that names the host and what to fix: its host key
 * unknown or changed, the credentials refused, no repository there, the host out of reach.
 *
 * @param unreachable whether the host could not be reached at all: then a build may go on with
 *     the clone it has; every other failure stops it
 */
record FetchFailure(DjddException exception, boolean unreachable) {
    private static final String NOTHING = "; nothing was fetched, and the clone is as it was.";
    /** URLs, {@code user@host:path} and paths, which may hold any digits and words. */
    private static final Pattern URLS_AND_PATHS = Pattern.compile(
            "[A-Za-z][A-Za-z0-9+.-]*://[^\\s'\"]*|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\\s'\"]*|/[^\\s'\"]*");
    private static final Pattern HTTP_STATUS = Pattern.compile("(?:^|[\\s:])([1-5][0-9][0-9])\\s+[a-z]");

    static FetchFailure of(String url, Exception e, GitAccess access) {
        String reason = reason(e);
        if (isLocal(url)) {
            // a folder of this machine: gone or no repository; a build may go on with its clone
            return new FetchFailure(new InvalidConfigurationException("repository", "Cannot fetch the repository "
                    + url + " (" + reason + "): check <repository> / -Ddjdd.repository and that the build machine can"
                    + " reach it" + NOTHING), true);
        }
        String host = host(url);
        String lower = words(reason + " " + messages(e), url, host);
        String status = httpStatus(lower);
        String user = System.getProperty("user.name");
        boolean ssh = isSsh(url);
        Optional<GitAccess.HostKeyProblem> hostKey = access.hostKeyProblem();
        if (hostKey.isPresent()) {
            GitAccess.HostKeyProblem problem = hostKey.get();
            String add = "'ssh-keyscan -p " + problem.port() + " " + problem.host() + " >> ~/.ssh/known_hosts'";
            return stop(problem.changed()
                    ? "The SSH host key of " + problem.host() + " (port " + problem.port() + ") is " + problem
                            .fingerprint() + ", not the one " + user + "'s " + access.knownHosts() + " holds for it:"
                            + " someone may be intercepting the connection, or the server's key was replaced; only"
                            + " if its administrator confirms " + problem.fingerprint() + ", remove the old key with"
                            + " 'ssh-keygen -R \"[" + problem.host() + "]:" + problem.port() + "\"' and add the new one"
                            + " with " + add + " (as " + user + ")" + NOTHING
                    : "The SSH host key of " + problem.host() + " (port " + problem.port() + ") is not in " + user
                            + "'s " + access.knownHosts() + ", so djdd does not trust it: compare its fingerprint "
                            + problem.fingerprint() + " with the one the server's administrator gives, then add it"
                            + " with " + add + " (as " + user + ")" + NOTHING);
        }
        if (causedBy(e, UnknownHostException.class) || causedBy(e, ConnectException.class)
                || causedBy(e, NoRouteToHostException.class) || causedBy(e, SocketTimeoutException.class)
                || lower.contains("connection refused") || lower.contains("no route to host")
                || lower.contains("network is unreachable") || lower.contains("timed out")
                || lower.contains("unknownhost") || lower.contains("name or service not known")) {
            return new FetchFailure(new InvalidConfigurationException("repository", "Cannot reach " + host
                    + " to fetch " + url + " (" + reason + "): check that the build machine reaches it (network,"
                    + " firewall, proxy) and <repository> / -Ddjdd.repository" + NOTHING), true);
        }
        if (lower.contains("not authorized") || lower.contains("authentication is required")
                || lower.contains("auth fail") || lower.contains("cannot log in")
                || lower.contains("no more authentication methods") || lower.contains("permission denied")
                || lower.contains("not permitted") || status.equals("401") || status.equals("403")) {
            String server = access.server().map(s -> " (settings.xml <server> " + s.id() + ")").orElse("");
            return stop(ssh
                    ? host + " refused the SSH keys of " + user + server + " for " + url + " (" + reason + "): add"
                            + " the deploy key's public part to the repository's access keys, and give djdd the"
                            + " private key: in ~/.ssh (or ~/.ssh/config's IdentityFile), in ssh-agent"
                            + " (SSH_AUTH_SOCK), or in a settings.xml <server> with <privateKey> and <passphrase>"
                            + " named by <repositoryServerId>" + NOTHING
                    : host + " refused the credentials of " + user + server + " for " + url + " (" + reason + "):"
                            + " set <repositoryServerId> to a settings.xml <server> with the <username> and the"
                            + " <password> or token, or put them in ~/.git-credentials or ~/.netrc of " + user
                            + NOTHING);
        }
        if (causedBy(e, NoRemoteRepositoryException.class) || lower.contains("not found")
                || lower.contains("does not appear to be a git repository") || status.equals("404")
                || lower.contains("no such file or directory") || lower.contains("does not exist")) {
            return stop(host + " has no repository at " + url + " (" + reason + "): check <repository> /"
                    + " -Ddjdd.repository" + (ssh ? ", and that its key may read that repository" : "") + NOTHING);
        }
        return new FetchFailure(new InvalidConfigurationException("repository", "Cannot fetch the repository " + url
                + " (" + reason + "): check <repository> / -Ddjdd.repository and that the build machine can reach"
                + " it" + NOTHING), true);
    }

    /**
     * The messages as words to look for, lowercase, without the URL, its host and any other URL or
     * path: {@code /team401/} or port 34015 is no HTTP status, a host called {@code unknownhost} no
     * unknown host.
     */
    static String words(String messages, String url, String host) {
        String text = messages.replace(url, " ");
        // a name with a dot, as a whole: an ssh alias such as "git" may be a word of the message
        if (!host.equals(url) && host.contains(".")) {
            text = text.replaceAll("(?<![A-Za-z0-9.-])" + Pattern.quote(host) + "(?![A-Za-z0-9-])", " ");
        }
        return URLS_AND_PATHS.matcher(text).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    /**
     * The HTTP status as JGit words one it has no sentence of its own for ({@code URL: 407 Proxy
     * Authentication Required}): three digits standing alone before the reason phrase, in
     * {@link #words}, which hold no URL, host or path; empty when there is none.
     */
    static String httpStatus(String words) {
        Matcher status = HTTP_STATUS.matcher(words);
        return status.find() ? status.group(1) : "";
    }

    private static FetchFailure stop(String message) {
        return new FetchFailure(new InvalidConfigurationException("repository", message), false);
    }

    static boolean isLocal(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("file:") || (!lower.contains("://") && !isSsh(url));
    }

    static boolean isSsh(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("ssh://") || lower.startsWith("git+ssh://") || lower.startsWith("ssh+git://")
                || (!lower.contains("://") && lower.matches("([a-z0-9._-]+@)?[a-z0-9][a-z0-9.-]*:.*"));
    }

    static String host(String url) {
        try {
            URIish uri = new URIish(url);
            return uri.getHost() == null ? url : uri.getHost();
        } catch (URISyntaxException e) {
            return url;
        }
    }

    /** The deepest cause's message: what actually went wrong. */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.strip().replaceAll("\\s+", " ");
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = e; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            all.append(cause.getClass().getSimpleName()).append(' ').append(cause.getMessage()).append(' ');
        }
        return all.toString();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
