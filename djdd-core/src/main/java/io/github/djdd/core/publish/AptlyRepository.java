package io.github.djdd.core.publish;

import com.fasterxml.jackson.jr.ob.JSON;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.deb.DebFile;
import io.github.djdd.core.deb.Stanza;
import io.github.djdd.core.naming.Names;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A local repository of an aptly server ({@code aptly api serve}) as the place
 * {@code djdd:publish} adds packages to: it uploads them, adds them to the local repository,
 * drops what retention no longer keeps, and updates every publication of that repository, which
 * aptly signs with its own key. The operator creates the local repository and publishes it once;
 * djdd checks before it changes anything that each package is new or the same bytes, and that
 * every publication is of the packages' suite, so a refused publish leaves aptly as it was.
 */
public final class AptlyRepository implements PackageRepository {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final URI api;
    private final String repo;
    private final String software;
    private final Optional<String> gpgKey;
    private final Optional<String> authorization;
    private final Console console;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    private AptlyRepository(URI api, String repo, String software, Optional<String> gpgKey,
            Optional<String> authorization, Console console) {
        this.api = api;
        this.repo = repo;
        this.software = software;
        this.gpgKey = gpgKey;
        this.authorization = authorization;
        this.console = console;
    }

    /**
     * @param url the server's URL, the one {@code /api} is under
     * @param repo the local repository's name
     * @param software the software's name: retention only looks at {@code {software}-*} packages
     * @param gpgKey the key aptly signs with, empty for aptly's default key
     * @param user the user for HTTP basic authentication (a proxy in front of aptly), empty for none
     * @param insecure whether a plain {@code http} URL is allowed: for an aptly on the build machine
     *     or a network the operator trusts, since anyone on the way could read the password and alter
     *     the packages that aptly then signs
     */
    public static AptlyRepository of(String url, String repo, String software, Optional<String> gpgKey,
            Optional<String> user, char[] password, boolean insecure, Console console)
            throws InvalidConfigurationException {
        URI uri;
        try {
            uri = new URI(url.strip().endsWith("/") ? url.strip() : url.strip() + "/");
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !List.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
            throw new InvalidConfigurationException("aptly", "Invalid <aptly> " + Names.quote(url) + ": use the https"
                    + " URL of an aptly API server, such as https://aptly.example.org/ (http with <aptlyInsecure>).");
        }
        if (uri.getScheme().equals("http") && !insecure) {
            throw new InvalidConfigurationException("aptlyInsecure", "<aptly> " + Names.quote(url.strip())
                    + " is plain http: djdd would send the packages, and any <aptlyServerId> password, unencrypted,"
                    + " and anyone on the way could alter what aptly then signs; use an https URL, or set"
                    + " <aptlyInsecure>true</aptlyInsecure> (-Ddjdd.publish.aptlyInsecure) for an aptly on this"
                    + " machine or on a network you trust.");
        }
        if (repo == null || repo.isBlank()) {
            throw new InvalidConfigurationException("aptlyRepo", "No aptly repository named: set <aptlyRepo> to the"
                    + " local repository djdd adds the packages to.");
        }
        Optional<String> authorization = user.map(name -> "Basic " + Base64.getEncoder().encodeToString(
                (name + ":" + new String(password)).getBytes(StandardCharsets.UTF_8)));
        return new AptlyRepository(uri, repo.strip(), software, gpgKey, authorization, console);
    }

    @Override
    public String describe() {
        return "aptly at " + api + " (local repository '" + repo + "')";
    }

    /**
     * Adds {@code debs} to the local repository, keeps the {@code keep} newest versions of each
     * site and what they need, and updates the repository's publications of {@code suite}.
     *
     * @throws DjddException when aptly is down or refuses, when a package is there already with
     *     other bytes, or when the repository is published for another suite; aptly is then left
     *     as it was, except for a refusal of the last step (the publication), which names it
     */
    @Override
    public Published publish(String suite, List<Path> debs, int keep) throws DjddException {
        PackageRepository.requireKeep(keep);
        HttpResponse<String> repository = send(HttpRequest.newBuilder(api.resolve("api/repos/" + path(repo))),
                "read the local repository");
        if (repository.statusCode() == 404) {
            throw new DjddException(describe() + " does not exist: create it ('aptly repo create -distribution="
                    + suite + " -component=main " + repo + "') and publish it once ('aptly publish repo " + repo
                    + "'), or correct <aptlyRepo>.");
        }
        checked(repository, "read the local repository");
        List<Map<String, Object>> publications = publications(suite);
        Map<String, Stanza> index = packages();
        List<DebFile> incoming = new ArrayList<>();
        for (Path deb : debs) {
            try {
                incoming.add(DebFile.read(deb));
            } catch (IOException e) {
                throw new DjddException("Cannot read " + deb + " (" + e.getMessage() + "): build it again.", e);
            }
        }
        Incoming sorted = Incoming.sort(index, incoming, describe() + " has");
        List<DebFile> upload = sorted.added();
        if (!upload.isEmpty()) {
            add(upload);
            index = packages();
        }
        // aptly names a package by its entry's "Key"; retain removes what it drops from the index
        Map<String, Stanza> entries = new LinkedHashMap<>(index);
        List<String> dropped = FolderRepository.retain(index, keep);
        List<String> refs = dropped.stream().map(key -> entries.get(key).require("Key")).toList();
        if (!refs.isEmpty()) {
            call("DELETE", "api/repos/" + path(repo) + "/packages", Map.of("PackageRefs", refs),
                    "drop the versions retention no longer keeps");
        }
        Map<String, Object> signing = new LinkedHashMap<>();
        signing.put("Batch", true);
        gpgKey.ifPresent(key -> signing.put("GpgKey", key));
        for (Map<String, Object> publication : publications) {
            String where = publication.get("Storage").toString().isEmpty() ? "" : publication.get("Storage") + ":";
            call("PUT", "api/publish/" + path(where + prefix(publication.get("Prefix").toString())) + "/"
                    + path(suite), Map.of("Signing", signing, "ForceOverwrite", false), "update its publication "
                    + where + publication.get("Prefix") + "/" + suite + " (the packages are in the local repository;"
                    + " the publication serves its previous state until a publish succeeds)");
        }
        return new Published(sorted.addedKeys(), sorted.present(), dropped);
    }

    @Override
    public String howServersUseIt(String suite) {
        return "Servers use aptly's publication of " + suite + " with aptly's public key as Signed-By.";
    }

    /** The software's packages in the local repository, by name, version and architecture. */
    private Map<String, Stanza> packages() throws DjddException {
        Map<String, Stanza> index = new LinkedHashMap<>();
        for (Object item : list(call("GET", "api/repos/" + path(repo) + "/packages?format=details&q="
                + URLEncoder.encode("Name (% " + software + "-*)", StandardCharsets.UTF_8), null,
                "list the local repository's packages"))) {
            Stanza entry = new Stanza();
            ((Map<?, ?>) item).forEach((name, value) -> entry.put(name.toString(), value.toString().strip()));
            index.put(DebFile.key(entry), entry);
        }
        return index;
    }

    /** The publications of the local repository; each must be of {@code suite}. */
    private List<Map<String, Object>> publications(String suite) throws DjddException {
        List<Map<String, Object>> ours = new ArrayList<>();
        for (Object item : list(call("GET", "api/publish", null, "list its publications"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> publication = (Map<String, Object>) item;
            boolean fromRepo = "local".equals(publication.get("SourceKind"))
                    && list(publication.get("Sources")).stream().anyMatch(source -> repo.equals(((Map<?, ?>) source)
                            .get("Name")));
            if (fromRepo) {
                if (!suite.equals(publication.get("Distribution"))) {
                    throw new DjddException(describe() + " is published as " + publication.get("Distribution")
                            + ", but the packages are built for " + suite + ": publish them to the local repository"
                            + " of " + suite + " (<aptlyRepo>), or build for " + publication.get("Distribution")
                            + "; aptly is unchanged.");
                }
                ours.add(publication);
            }
        }
        if (ours.isEmpty()) {
            throw new DjddException(describe() + " is not published: publish it once ('aptly publish repo"
                    + " -distribution=" + suite + " " + repo + "'), then djdd:publish keeps the publication up to"
                    + " date.");
        }
        return ours;
    }

    /** Uploads {@code debs} into an upload folder of their own and adds them to the local repository. */
    private void add(List<DebFile> debs) throws DjddException {
        String folder = "djdd-" + UUID.randomUUID();
        String boundary = "djdd-" + UUID.randomUUID();
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        for (DebFile deb : debs) {
            parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data;"
                    + " name=\"file\"; filename=\"" + deb.file().getFileName() + "\"\r\nContent-Type:"
                    + " application/vnd.debian.binary-package\r\n\r\n"));
            try {
                parts.add(HttpRequest.BodyPublishers.ofFile(deb.file()));
            } catch (IOException e) {
                throw new DjddException("Cannot read " + deb.file() + " (" + e.getMessage() + "): build it again.", e);
            }
            parts.add(HttpRequest.BodyPublishers.ofString("\r\n"));
        }
        parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n"));
        try {
            checked(send(HttpRequest.newBuilder(api.resolve("api/files/" + folder))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new))),
                    "upload the packages"), "upload the packages");
            Map<?, ?> report = (Map<?, ?>) call("POST", "api/repos/" + path(repo) + "/file/" + folder, null,
                    "add the packages to the local repository");
            List<Object> failed = list(report.get("FailedFiles"));
            if (!failed.isEmpty()) {
                Object warnings = report.get("Report") instanceof Map<?, ?> details ? details.get("Warnings") : failed;
                throw new DjddException(describe() + " refused " + failed.size() + " package(s): " + warnings
                        + "; the publication is unchanged.");
            }
        } finally {
            try {
                call("DELETE", "api/files/" + folder, null, "delete the upload folder " + folder);
            } catch (DjddException e) {
                // aptly deletes the files it added; what is left is only its upload folder
                console.debug(e.getMessage());
            }
        }
    }

    /** aptly's name for the root prefix is {@code :.}; its URL paths write {@code /} as {@code _}. */
    private static String prefix(String prefix) {
        return prefix.equals(".") ? ":." : prefix.replace("_", "__").replace('/', '_');
    }

    private static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<Object> list(Object value) {
        @SuppressWarnings("unchecked")
        List<Object> items = value instanceof List<?> ? (List<Object>) value : List.of();
        return items;
    }

    /** Calls the API with a JSON body (or none) and returns its JSON answer. */
    private Object call(String method, String path, Object body, String what) throws DjddException {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).method(method, body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.std.asString(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            String answer = checked(send(request, what), what);
            return answer.isBlank() ? Map.of() : JSON.std.anyFrom(answer);
        } catch (IOException e) {
            throw new DjddException(describe() + " answered what is not JSON when asked to " + what + " ("
                    + e.getMessage() + "): check that <aptly> is an aptly API server.", e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String what) throws DjddException {
        authorization.ifPresent(value -> request.header("Authorization", value));
        HttpResponse<String> response;
        try {
            response = client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new DjddException(describe() + " cannot be reached (connection refused): start it ('aptly api"
                    + " serve') or correct <aptly>; nothing was published.", e);
        } catch (IOException e) {
            throw new DjddException(describe() + " cannot be reached to " + what + " (" + e + "): check <aptly> and"
                    + " the network; nothing was published.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DjddException("Interrupted while asking " + describe() + " to " + what + ".", e);
        }
        return response;
    }

    /** The body of a successful answer; aptly's own error otherwise. */
    private String checked(HttpResponse<String> response, String what) throws DjddException {
        if (response.statusCode() / 100 != 2) {
            throw new DjddException(describe() + " refused to " + what + " (HTTP " + response.statusCode() + ": "
                    + error(response.body()) + ").");
        }
        return response.body();
    }

    /** aptly's error text: {@code {"error": ...}} or a list of them, else the body itself. */
    private static String error(String body) {
        try {
            Object parsed = JSON.std.anyFrom(body);
            List<Object> items = parsed instanceof List<?> ? list(parsed) : List.of(parsed);
            List<String> errors = new ArrayList<>();
            for (Object item : items) {
                if (item instanceof Map<?, ?> map && map.get("error") != null) {
                    errors.add(map.get("error").toString());
                }
            }
            if (!errors.isEmpty()) {
                return String.join("; ", errors);
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: a proxy's page, say
        }
        String text = body.strip().replaceAll("\\s+", " ");
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
