# djdd: the distributions a lock file installs on this Python and platform, chosen without a
# resolver. Run by the build root's python3 in djdd's sandbox, with Debian's pip wheel on sys.path
# for its vendored packaging (markers, tags, versions): the same rules pip applies.
#
#   python3 select-locked.py PIP_WHEEL LOCK_FILE PYPROJECT OUTPUT GROUPS EXTRAS
#
# GROUPS and EXTRAS are comma-separated (empty: none). Writes OUTPUT as JSON:
#   {"format": ..., "python": "3.13", "distributions": [{"name", "version", "index", "files":
#    [{"name", "url", "sha256", "size"}], "chosen": N}], "project": NAME or null}
# or {"error": CODE, ...} with the details djdd turns into one sentence.
import json
import re
import sys

sys.path.insert(0, sys.argv[1])
import tomllib  # noqa: E402

from pip._vendor.packaging import tags as _tags  # noqa: E402
from pip._vendor.packaging.markers import Marker, default_environment  # noqa: E402
from pip._vendor.packaging.requirements import Requirement  # noqa: E402
from pip._vendor.packaging.specifiers import SpecifierSet  # noqa: E402
from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename  # noqa: E402
from pip._vendor.packaging.version import Version  # noqa: E402

LOCK, PYPROJECT, OUTPUT = sys.argv[2], sys.argv[3], sys.argv[4]
GROUPS = [g for g in sys.argv[5].split(",") if g]
EXTRAS = [e for e in sys.argv[6].split(",") if e]
ENVIRONMENT = default_environment()
PYTHON = ENVIRONMENT["python_full_version"]
SUPPORTED = {str(tag): rank for rank, tag in enumerate(_tags.sys_tags())}


class Stop(Exception):
    def __init__(self, code, **details):
        super().__init__(code)
        self.details = dict(details, error=code)


_NAMED = re.compile(r"""(["'])([^"']*)\1\s+(not\s+)?in\s+(extras|dependency_groups)""")


def applies(marker, extras=(), groups=()):
    """Whether a marker holds here; PEP 751's "x" in extras/dependency_groups decided first,
    as the packaging pip brings may not know those names yet."""
    if not marker:
        return True

    def decide(match):
        member = match.group(2) in (extras if match.group(4) == "extras" else groups)
        if match.group(3):
            member = not member
        # a comparison any packaging evaluates (older ones want a variable on one side)
        return 'os_name != "djdd-never"' if member else 'os_name == "djdd-never"'

    text = _NAMED.sub(decide, marker)
    environment = dict(ENVIRONMENT, extra="")
    try:
        if not extras:
            return Marker(text).evaluate(environment)
        return any(Marker(text).evaluate(dict(environment, extra=e)) for e in extras)
    except Exception as e:  # an invalid marker is the lock's fault
        raise Stop("invalid-marker", marker=marker, reason=str(e))


def python_allows(specifier):
    if not specifier:
        return True
    try:
        return Version(PYTHON) in SpecifierSet(specifier.replace(" ", ""))
    except Exception:
        # Poetry's own constraint syntax (^3.10): its markers carry the same condition
        return True


def file_name(entry):
    if entry.get("name"):
        return entry["name"]
    location = entry.get("url") or entry.get("path") or entry.get("file") or ""
    return location.rstrip("/").rsplit("/", 1)[-1].split("#")[0]


def sha256_of(entry):
    hashes = entry.get("hashes")
    if isinstance(hashes, dict) and hashes.get("sha256"):
        return hashes["sha256"].lower()
    value = entry.get("hash") or ""
    if value.startswith("sha256:"):
        return value[len("sha256:"):].lower()
    return None


def distribution(name, version, wheels, sdist, index=None):
    """The files of a distribution that install here, best first: wheels by the rank of their
    best tag, then the sdist. None when no file does."""
    files = []
    for wheel in wheels:
        wheel_name = file_name(wheel)
        try:
            _, _, _, wheel_tags = parse_wheel_filename(wheel_name)
        except Exception:
            raise Stop("bad-file-name", package=name, file=wheel_name)
        ranks = [SUPPORTED[str(t)] for t in wheel_tags if str(t) in SUPPORTED]
        if ranks:
            files.append((min(ranks), wheel))
    files.sort(key=lambda pair: pair[0])
    ordered = [entry for _, entry in files]
    if sdist:
        ordered.append(sdist)
    if not ordered:
        return None
    out = []
    for entry in ordered:
        sha = sha256_of(entry)
        if not sha:
            raise Stop("no-hash", package=name, version=version, file=file_name(entry))
        out.append({"name": file_name(entry), "url": entry.get("url") or entry.get("path"),
                    "sha256": sha, "size": entry.get("size")})
    return {"name": name, "version": version, "index": index, "files": out, "chosen": 0}


def nothing_here(name, version):
    raise Stop("no-file", package=name, version=version, python=PYTHON,
               platform=ENVIRONMENT["platform_machine"])


def pylock(lock):
    version = str(lock.get("lock-version", ""))
    if not version.startswith("1."):
        raise Stop("lock-version", found=version, supported="1.x")
    if not python_allows(lock.get("requires-python")):
        raise Stop("requires-python", specifier=lock.get("requires-python"), python=PYTHON)
    groups = set(GROUPS) | set(lock.get("default-groups", []))
    chosen = []
    for package in lock.get("packages", []):
        if not applies(package.get("marker"), set(EXTRAS), groups):
            continue
        name, version = package["name"], package.get("version", "")
        if package.get("directory", {}).get("path") in (".", "./"):
            continue  # the project itself: djdd installs it only with <installProject>
        if any(key in package for key in ("vcs", "directory")):
            raise Stop("unsupported-source", package=name, source="vcs" if "vcs" in package else "directory")
        if not python_allows(package.get("requires-python")):
            raise Stop("requires-python", package=name, specifier=package["requires-python"], python=PYTHON)
        wheels = package.get("wheels", [])
        sdist = package.get("sdist") or package.get("archive")
        found = distribution(name, version, wheels, sdist, package.get("index"))
        if found is None:
            nothing_here(name, version)
        chosen.append(found)
    return chosen, None


def uv(lock, pyproject):
    if lock.get("version") != 1:
        raise Stop("lock-version", found=str(lock.get("version")), supported="1")
    if not python_allows(lock.get("requires-python")):
        raise Stop("requires-python", specifier=lock.get("requires-python"), python=PYTHON)
    packages = lock.get("package", [])
    roots = [p for p in packages if p.get("source", {}).get("virtual") == "."
             or p.get("source", {}).get("editable") == "."]
    if not roots:
        raise Stop("no-project")
    root = roots[0]
    out_of_date(root, pyproject)
    by_name = {}
    for package in packages:
        by_name.setdefault(canonicalize_name(package["name"]), []).append(package)

    def target(edge):
        candidates = by_name.get(canonicalize_name(edge["name"]), [])
        if "version" in edge:
            candidates = [p for p in candidates if p.get("version") == edge["version"]]
        if "source" in edge:
            candidates = [p for p in candidates if p.get("source") == edge["source"]]
        if len(candidates) > 1:
            # a forked resolution: the version whose markers hold here
            candidates = [p for p in candidates if not p.get("resolution-markers")
                          or any(applies(m) for m in p["resolution-markers"])]
        if len(candidates) != 1:
            raise Stop("no-package", package=edge["name"], python=PYTHON)
        return candidates[0]

    edges = list(root.get("dependencies", []))
    for extra in EXTRAS:
        edges += root.get("optional-dependencies", {}).get(extra, [])
    for group in GROUPS:
        if group not in root.get("dev-dependencies", {}):
            raise Stop("no-group", group=group, groups=sorted(root.get("dev-dependencies", {})))
        edges += root["dev-dependencies"][group]
    seen = {}
    while edges:
        edge = edges.pop(0)
        if not applies(edge.get("marker")):
            continue
        package = target(edge)
        key = canonicalize_name(package["name"])
        extras = set(edge.get("extra", []))
        known = seen.get(key)
        if known is not None and extras <= known[1]:
            continue
        if known is None:
            seen[key] = (package, set())
        new = extras - seen[key][1]
        seen[key][1].update(extras)
        if known is None:
            edges += package.get("dependencies", [])
        for extra in new:
            edges += package.get("optional-dependencies", {}).get(extra, [])
    chosen = []
    for key in sorted(seen):
        package = seen[key][0]
        source = package.get("source", {})
        if any(kind in source for kind in ("git", "directory", "editable", "virtual")):
            raise Stop("unsupported-source", package=package["name"], source=next(iter(source)))
        found = distribution(package["name"], package["version"], package.get("wheels", []),
                             package.get("sdist"), source.get("registry"))
        if found is None:
            nothing_here(package["name"], package["version"])
        chosen.append(found)
    return chosen, root["name"]


def out_of_date(root, pyproject):
    """uv.lock keeps the project's requirements as it locked them: another pyproject.toml means
    the lock was not written anew."""
    project = pyproject.get("project")
    metadata = root.get("metadata")
    if not project or metadata is None:
        return

    def from_lock(entries):
        out = set()
        for entry in entries:
            extras = ",".join(sorted(entry.get("extra", [])))
            out.add((canonicalize_name(entry["name"]), extras,
                     str(SpecifierSet(entry.get("specifier", ""))), entry.get("marker", "")))
        return out

    def from_pyproject(strings):
        out = set()
        for text in strings:
            requirement = Requirement(text)
            out.add((canonicalize_name(requirement.name), ",".join(sorted(requirement.extras)),
                     str(requirement.specifier), str(requirement.marker) if requirement.marker else ""))
        return out

    def comparable(entries):
        return {(n, e, s, m.replace('"', "'")) for n, e, s, m in entries}

    wanted = comparable(from_pyproject(project.get("dependencies", [])))
    for extra, strings in project.get("optional-dependencies", {}).items():
        wanted |= comparable({(n, e, s, ((m + " and ") if m else "") + "extra == '" + extra + "'")
                              for n, e, s, m in from_pyproject(strings)})
    locked = comparable(from_lock(metadata.get("requires-dist", [])))
    if {w[:3] for w in wanted} != {l[:3] for l in locked}:
        missing = sorted({w[0] for w in wanted} - {l[0] for l in locked})
        raise Stop("out-of-date", names=missing or sorted({w[0] for w in wanted} ^ {l[0] for l in locked}))
    groups = {g: comparable(from_pyproject([s for s in v if isinstance(s, str)]))
              for g, v in pyproject.get("dependency-groups", {}).items() if v}
    locked_groups = {g: comparable(from_lock(v)) for g, v in metadata.get("requires-dev", {}).items() if v}
    if {g: {x[:3] for x in v} for g, v in groups.items()} != {g: {x[:3] for x in v} for g, v in locked_groups.items()}:
        raise Stop("out-of-date", names=sorted(set(groups) ^ set(locked_groups)) or sorted(groups))


def poetry(lock):
    version = str(lock.get("metadata", {}).get("lock-version", ""))
    if version != "2.1":
        raise Stop("lock-version", found=version, supported="2.1")
    groups = {"main"} | set(GROUPS)
    extras_packages = set()
    for extra in EXTRAS:
        extras_packages |= {canonicalize_name(n) for n in lock.get("extras", {}).get(extra, [])}
    chosen = []
    for package in lock.get("package", []):
        in_groups = groups & set(package.get("groups", ["main"]))
        if not in_groups:
            continue
        if package.get("optional") and canonicalize_name(package["name"]) not in extras_packages:
            continue
        markers = package.get("markers")
        if isinstance(markers, dict):
            # a marker per group: the package counts when it holds for one of the groups asked for
            if not any(g not in markers or applies(markers[g]) for g in in_groups):
                continue
        elif not applies(markers):
            continue
        source = package.get("source", {})
        if source.get("type") not in (None, "legacy"):
            raise Stop("unsupported-source", package=package["name"], source=source.get("type"))
        files = package.get("files", [])
        wheels = [f for f in files if f.get("file", "").endswith(".whl")]
        sdists = [f for f in files if not f.get("file", "").endswith(".whl")]
        found = distribution(package["name"], package["version"], wheels, sdists[0] if sdists else None,
                             source.get("url"))
        if found is None:
            nothing_here(package["name"], package["version"])
        chosen.append(found)
    return chosen, None


def main():
    name = LOCK.rsplit("/", 1)[-1]
    try:
        with open(LOCK, "rb") as f:
            lock = tomllib.load(f)
        pyproject = {}
        try:
            with open(PYPROJECT, "rb") as f:
                pyproject = tomllib.load(f)
        except FileNotFoundError:
            pass
        if name == "uv.lock":
            chosen, project = uv(lock, pyproject)
        elif name == "poetry.lock":
            chosen, project = poetry(lock)
        else:
            chosen, project = pylock(lock)
        project = pyproject.get("project", {}).get("name") or project
        result = {"format": name, "python": PYTHON, "distributions": chosen, "project": project}
    except tomllib.TOMLDecodeError as e:
        result = {"error": "toml", "reason": str(e)}
    except Stop as e:
        result = e.details
    result["python"] = PYTHON
    with open(OUTPUT, "w") as out:
        json.dump(result, out, sort_keys=True)


main()
