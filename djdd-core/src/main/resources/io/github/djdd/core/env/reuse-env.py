# djdd: installs wheels into a new virtualenv from an earlier env of the same software and suite,
# without unpacking them again, and only where that env's files are the wheel's: run in djdd's
# sandbox by the NEW virtualenv's python, with Debian's pip wheel on sys.path (pip's own code
# writes the entry-point scripts, as when it installs).
#
#   NEW/bin/python reuse-env.py PIP_WHEEL BASE NEW DOWNLOADS WANTED REST
#
# WANTED lists "name sha256 file" for each wheel to take from BASE (the earlier env, read-only).
# Each file of a wheel is taken only when the wheel's own RECORD (in the wheel, whose SHA-256 djdd
# checked) names it and BASE's copy has the hash that RECORD gives; the files pip writes itself
# (INSTALLER, REQUESTED, RECORD and the entry-point scripts) are written anew, not copied. A file
# an earlier build planted in BASE, which no wheel's RECORD names, never reaches NEW. A wheel
# that cannot be taken whole (a file missing or changed, a .data folder) is left out; REST gets
# the lines of the pinned requirements, from DOWNLOADS/djdd-requirements.txt, that pip must
# install. Prints how many wheels it took.
import base64
import csv
import hashlib
import io
import os
import stat
import sys
import sysconfig
import zipfile

sys.path.insert(0, sys.argv[1])
from pip._internal.operations.install.wheel import PipScriptMaker, get_console_script_specs  # noqa: E402

BASE, NEW, DOWNLOADS, WANTED, REST = sys.argv[2:7]
SITE = sysconfig.get_paths()["purelib"]
BASE_SITE = BASE + SITE[len(NEW):]
BIN = os.path.join(NEW, "bin")
UMASK = os.umask(0)
os.umask(UMASK)


def record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def entry_points(text):
    """console_scripts and gui_scripts of an entry_points.txt, as pip reads them."""
    sections, current = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), {})
        elif current is not None and "=" in line:
            name, value = line.split("=", 1)
            current[name.strip()] = value.strip()
    return sections.get("console_scripts", {}), sections.get("gui_scripts", {})


def take(wheel_path):
    """The wheel's files from BASE, checked; its own files written; None when it cannot be taken."""
    with zipfile.ZipFile(wheel_path) as wheel:
        names = wheel.namelist()
        records = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/RECORD")]
        if len(records) != 1:
            return None
        dist_info = records[0][:-len("/RECORD")]
        rows = list(csv.reader(io.StringIO(wheel.read(records[0]).decode("utf-8"))))
        executable = {i.filename for i in wheel.infolist()
                      if stat.S_ISREG(i.external_attr >> 16) and (i.external_attr >> 16) & 0o111}
        console, gui = {}, {}
        if dist_info + "/entry_points.txt" in names:
            console, gui = entry_points(wheel.read(dist_info + "/entry_points.txt").decode("utf-8"))
    files = []
    for row in rows:
        if not row or row[0] == records[0]:
            continue
        path = row[0]
        if path.split("/", 1)[0].endswith(".data") or os.path.isabs(path) or ".." in path.split("/"):
            return None
        if len(row) < 2 or not row[1].startswith("sha256="):
            return None
        source = os.path.join(BASE_SITE, path)
        if os.path.islink(source) or not os.path.isfile(source):
            return None
        with open(source, "rb") as f:
            data = f.read()
        if record_hash(data) != row[1]:
            return None
        files.append((path, data, path in executable, row[1], row[2] if len(row) > 2 else ""))
    installed = []
    for path, data, is_executable, digest, size in files:
        target = os.path.join(SITE, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
        if is_executable:
            os.chmod(target, 0o777 & ~UMASK | 0o111)
        # as pip does: the wheel's RECORD row for each of its files
        installed.append((path, digest, size))
    for name, data in (("INSTALLER", b"pip\n"), ("REQUESTED", b"")):
        path = dist_info + "/" + name
        with open(os.path.join(SITE, path), "wb") as f:
            f.write(data)
        installed.append((path, record_hash(data), str(len(data))))
    # the scripts pip makes of the entry points, by pip's own code, for this virtualenv's python
    maker = PipScriptMaker(None, BIN)
    maker.clobber = True
    maker.variants = {""}
    maker.set_mode = True
    generated = maker.make_multiple(get_console_script_specs(console))
    generated += maker.make_multiple(["%s = %s" % kv for kv in gui.items()], {"gui": True})
    for script in generated:
        with open(script, "rb") as f:
            data = f.read()
        installed.append((os.path.relpath(script, SITE), record_hash(data), str(len(data))))
    installed.append((dist_info + "/RECORD", "", ""))
    with open(os.path.join(SITE, dist_info, "RECORD"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(sorted(installed))
    return dist_info


def main():
    wanted = {}
    with open(WANTED) as f:
        for line in f:
            name, sha256, file_name = line.split()
            wanted[sha256] = file_name
    taken = set()
    for sha256, file_name in sorted(wanted.items(), key=lambda item: item[1]):
        if take(os.path.join(DOWNLOADS, file_name)) is not None:
            taken.add(sha256)
    with open(os.path.join(DOWNLOADS, "djdd-requirements.txt")) as f, open(REST, "w") as rest:
        for line in f:
            if line.rsplit("sha256:", 1)[-1].strip() not in taken:
                rest.write(line)
    print("djdd-reused %d of %d" % (len(taken), len(wanted)))


main()
