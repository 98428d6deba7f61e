"""The package index of bench/lock-bump.sh, and the one-package bump it measures.

  python3 bench/lock-index.py serve FOLDER PORT MBIT LATENCY_MS
      serves FOLDER's files at http://127.0.0.1:PORT/files/NAME, each response after LATENCY_MS and
      at most MBIT megabits per second (0: unthrottled), as a package index over a network link;
      appends each file it serves, with its size, to FOLDER/../served.log
  python3 bench/lock-index.py bump LOCK FOLDER PACKAGE
      makes a new release of PACKAGE from its wheel in FOLDER (version + ".post1": the same files,
      its metadata and RECORD written anew), puts the wheel into FOLDER and points LOCK's entry
      (pylock.toml as pip lock writes it) at it, with its SHA-256
"""
import base64
import csv
import hashlib
import http.server
import io
import os
import re
import sys
import time
import zipfile


def serve(folder, port, mbit, latency_ms):
    rate = float(mbit) * 1e6 / 8

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            name = os.path.basename(self.path.split("?")[0])
            path = os.path.join(folder, name)
            time.sleep(float(latency_ms) / 1000)
            if not self.path.startswith("/files/") or not os.path.isfile(path):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(os.path.getsize(path)))
            self.end_headers()
            with open(os.path.join(folder, "..", "served.log"), "a") as log:
                log.write("%s %d\n" % (name, os.path.getsize(path)))
            start = time.monotonic()
            sent = 0
            with open(path, "rb") as f:
                while chunk := f.read(65536):
                    self.wfile.write(chunk)
                    sent += len(chunk)
                    if rate:
                        ahead = sent / rate - (time.monotonic() - start)
                        if ahead > 0:
                            time.sleep(ahead)

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()


def record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def bump(lock, folder, package):
    text = open(lock).read()
    entry = re.search(r'\[\[packages\]\]\nname = "%s"\nversion = "([^"]+)"\n(.*?)(?=\n\[\[packages\]\]|\Z)'
                      % re.escape(package), text, re.S)
    version = entry.group(1)
    old_name = re.search(r'name = "([^"]+\.whl)"', entry.group(2)).group(1)
    new_version = version + ".post1"
    new_name = old_name.replace("-" + version + "-", "-" + new_version + "-", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(os.path.join(folder, old_name)) as old, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        rows = []
        record_name = None
        for info in old.infolist():
            name = re.sub(r"-%s\.dist-info/" % re.escape(version), "-%s.dist-info/" % new_version, info.filename)
            if name.endswith(".dist-info/RECORD"):
                record_name = name
                continue
            data = old.read(info)
            if name.endswith(".dist-info/METADATA"):
                data = re.sub(rb"(?m)^Version: .*$", b"Version: " + new_version.encode(), data, count=1)
            new.writestr(name, data)
            rows.append([name, record_hash(data), str(len(data))])
        rows.append([record_name, "", ""])
        record = io.StringIO()
        csv.writer(record, lineterminator="\n").writerows(rows)
        new.writestr(record_name, record.getvalue())
    data = out.getvalue()
    with open(os.path.join(folder, new_name), "wb") as f:
        f.write(data)
    old_sha = re.search(r'sha256 = "([0-9a-f]{64})"', entry.group(2)).group(1)
    body = entry.group(0).replace('version = "%s"' % version, 'version = "%s"' % new_version, 1) \
        .replace(old_name, new_name).replace(old_sha, hashlib.sha256(data).hexdigest())
    open(lock, "w").write(text.replace(entry.group(0), body))
    print("%s %s -> %s (%s)" % (package, version, new_version, new_name))


if __name__ == "__main__":
    {"serve": serve, "bump": bump}[sys.argv[1]](*sys.argv[2:])
