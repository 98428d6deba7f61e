package io.github.djdd.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The attacker's package: a source distribution whose {@code setup.py}, which pip runs to read
 * its metadata and again to build its wheel, tries what malicious code in a project's
 * requirements would try on the build machine, which holds the key that signs what every server
 * installs as root: note its uid and capabilities, write into the shared build root and onto
 * the host, reach a listener on the host's loopback, read the signing key, leave its chroot as
 * any process with {@code CAP_SYS_CHROOT} can, and find the package index's credentials in its
 * environment. What it managed goes into {@code djdd_probe/report.json}, which its wheel
 * installs into the env package; what it wrote or reached on the host, the test sees there.
 */
final class ProbeSdist {
    static final String NAME = "djdd-probe";
    static final String VERSION = "1.0";
    static final String FILE = "djdd_probe-" + VERSION + ".tar.gz";
    /** Where the report lands in the env's site-packages. */
    static final String REPORT = "djdd_probe/report.json";
    /** What it tries to write in the build root, which builds share and must never change. */
    static final String IN_ROOT = "/usr/local/lib/djdd-probe-was-here";

    private static final String SETUP = """
            import json, os, socket
            from setuptools import setup

            LISTENER = @PORT@
            HOST = "@HOST@"
            KEY = "@KEY@"
            TOKEN = "@TOKEN@"


            def attempt(action):
                try:
                    action()
                    return True
                except Exception:
                    return False


            def write(path):
                with open(path, "w") as out:
                    out.write("written by the setup.py of an sdist\\n")


            def reach():
                with socket.create_connection(("127.0.0.1", LISTENER), timeout=5) as connection:
                    connection.sendall(b"setup.py was here\\n")


            def read_key():
                with open(KEY) as key:
                    key.read()


            def escape():
                # A chroot escape, in a child so that setup() goes on in the chroot.
                r, w = os.pipe()
                pid = os.fork()
                if pid == 0:
                    os.close(r)
                    result = {"escaped": False, "escaped_write": False, "escaped_key": False}
                    try:
                        os.makedirs("/tmp/djdd-probe-escape", exist_ok=True)
                        os.chroot("/tmp/djdd-probe-escape")
                        for _ in range(64):
                            os.chdir("..")
                        os.chroot(".")
                        result["escaped"] = os.path.isdir(HOST)
                        result["escaped_write"] = attempt(lambda: write(HOST + "/escaped"))
                        result["escaped_key"] = attempt(read_key)
                    except Exception:
                        pass
                    os.write(w, json.dumps(result).encode())
                    os._exit(0)
                os.close(w)
                data = b""
                while True:
                    chunk = os.read(r, 4096)
                    if not chunk:
                        break
                    data += chunk
                os.waitpid(pid, 0)
                return json.loads(data or b"{}")


            status = open("/proc/self/status").read().splitlines()
            report = {
                "uid": os.getuid(),
                "capabilities": [line.split()[1] for line in status if line.startswith("CapEff:")][0],
                "root_write": attempt(lambda: write("@IN_ROOT@")),
                "host_write": attempt(lambda: write(HOST + "/direct")),
                "loopback": attempt(reach),
                "key": attempt(read_key),
                "token_in_environment": any(TOKEN in value for value in os.environ.values()),
            }
            report.update(escape())
            os.makedirs("djdd_probe", exist_ok=True)
            with open("djdd_probe/report.json", "w") as out:
                json.dump(report, out, sort_keys=True)
            setup(name="djdd-probe", version="1.0", packages=["djdd_probe"],
                  package_data={"djdd_probe": ["report.json"]})
            """;

    private ProbeSdist() {}

    /**
     * Writes the sdist into {@code folder}.
     *
     * @param port a listener on the host's loopback that it tries to reach
     * @param host a folder on the host, outside any build root, writable for everyone: it tries to
     *     write there, directly and after leaving its chroot
     * @param key a file only root reads (the signing key)
     * @param token a secret of the package index's URL, which must not be in its environment
     */
    static Path write(Path folder, int port, Path host, Path key, String token) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("PKG-INFO", "Metadata-Version: 2.1\nName: " + NAME + "\nVersion: " + VERSION + "\n");
        files.put("setup.py", SETUP.replace("@PORT@", Integer.toString(port)).replace("@HOST@", host.toString())
                .replace("@KEY@", key.toString()).replace("@TOKEN@", token).replace("@IN_ROOT@", IN_ROOT));
        files.put("djdd_probe/__init__.py", "");
        Files.createDirectories(folder);
        Path sdist = folder.resolve(FILE);
        try (OutputStream file = Files.newOutputStream(sdist);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(file))) {
            for (Map.Entry<String, String> entry : files.entrySet()) {
                byte[] bytes = entry.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry tarEntry = new TarArchiveEntry("djdd_probe-" + VERSION + "/" + entry.getKey());
                tarEntry.setSize(bytes.length);
                tarEntry.setMode(0644);
                tar.putArchiveEntry(tarEntry);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
        }
        return sdist;
    }

    /** The probe's report from an env package: extracts the one file with dpkg-deb. */
    static String report(Path envDeb) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -xO --wildcards"
                + " '*/site-packages/" + REPORT + "'", "report", envDeb.toString()).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        process.getInputStream().transferTo(out);
        process.waitFor();
        return out.toString(StandardCharsets.UTF_8).strip();
    }
}
