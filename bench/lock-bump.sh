#!/bin/sh
# An env rebuilt after a lock bumps one package, against the cold env build, as root (issue 28:
# at most 40 %). The example site becomes a project with a pylock.toml, written by pip lock (pip
# 25.1 or later, from the index); its files are served by bench/lock-index.py on loopback as over a
# link of MBIT megabits per second with LATENCY_MS before each response (default 200 and 20: a
# company's package index or PyPI's CDN from a build machine in a data centre). Each round: a cold
# env build (no env of this software, an empty download cache), then a commit whose lock bumps
# PACKAGE (default sqlparse) to a new release (.post1 of its wheel). It prints the env step's time
# ("Env package done in"), the median over the rounds, the ratio, and the files each build downloaded;
# then the same with the index unthrottled; then whether the bumped env equals a cold build of it.
# Usage: sudo bench/lock-bump.sh [build dir [suite]]    (ROUNDS=n, default 3)
set -eu
cd "$(dirname "$0")/.."
top=$PWD
build=${1:-$top/djdd-it/target/djdd-build}
suite=${2:-bookworm}
rounds=${ROUNDS:-3}
mbit=${MBIT:-200}
latency=${LATENCY_MS:-20}
package=${PACKAGE:-sqlparse}
port=${PORT:-18099}
work=${DJDD_BENCH_DIR:-/var/tmp/djdd-bench-lock}
[ -f "$build/roots/$suite.properties" ] || { echo "No $suite build root in $build: run djdd:init (or the ITs) first." >&2; exit 2; }
rm -rf --one-file-system "$work"
mkdir -p "$work/index"
. bench/lib.sh
software=djddlockbench

# The lock, as pip lock writes it for the example's requirements; its files on the bench's index.
python3 -m venv --without-pip "$work/pip"
"$work/pip/bin/python" "$(ls /usr/share/python-wheels/pip-*.whl | tail -n 1)/pip" install -q \
  --disable-pip-version-check 'pip>=25.1'
grep -v '^#' example/site/requirements.txt | grep . >"$work/requirements.in"
"$work/pip/bin/pip" lock -q --disable-pip-version-check -r "$work/requirements.in" -o "$work/pylock.toml"
sed -n 's|^url = "\(.*\)"$|\1|p' "$work/pylock.toml" | while read -r url; do
  case $url in
    file://*) cp "${url#file://}" "$work/index/" ;;
    *) curl -sSf -o "$work/index/${url##*/}" "$url" ;;
  esac
done
sed -i "s|^url = \".*/\([^/\"]*\)\"$|url = \"http://127.0.0.1:$port/files/\1\"|" "$work/pylock.toml"

server=
serve() {
  [ -z "$server" ] || kill "$server"
  python3 bench/lock-index.py serve "$work/index" "$port" "$1" "$2" &
  server=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.1; done
}
trap '[ -z "$server" ] || kill "$server"' EXIT

# One djdd build of the site: the env step's time into results, what the index served into STAGE.served.
djdd() {
  stage=$1
  : >"$work/served.log"
  # shellcheck disable=SC2086
  (cd "$work" && "$top/mvnw" -B $repo_args "io.github.djdd:djdd-maven-plugin:$version:build" \
    -Ddjdd.software=$software -Ddjdd.buildDir="$build" -Ddjdd.repository="$work/site.git" \
    -Ddjdd.suite="$suite") >"$work/djdd-$stage.log" 2>&1 || { tail -n 40 "$work/djdd-$stage.log" >&2; exit 1; }
  printf '%s\t%s\n' "$stage" "$(sed -n 's/.*Env package done in \([0-9.]*\) s.*/\1/p' "$work/djdd-$stage.log")" \
    >>"$results"
  cp "$work/served.log" "$work/$stage.served"
}

fresh_site() {
  rm -rf --one-file-system "$work/site.git"
  git init -q --initial-branch=main "$work/site.git"
  cp -a example/site/. "$work/site.git/"
  rm "$work/site.git/requirements.txt"
  cp "$work/pylock.toml" "$work/site.git/"
  git -C "$work/site.git" add -A
  git -C "$work/site.git" -c user.name=bench -c user.email=bench@example.org commit -q -m bench
}

bump() {
  python3 bench/lock-index.py bump "$work/site.git/pylock.toml" "$work/index" "$package" >/dev/null
  git -C "$work/site.git" -c user.name=bench -c user.email=bench@example.org commit -q -am "bump $package"
}

forget() {
  rm -rf --one-file-system "$build"/packages/$software-* "$build"/packages/.$software-* \
    "$build/venvs/$suite/$software-env" "$build/cache/downloads"
}

# a time column's median
median() {
  awk -F '\t' -v stage="$1" '$1 == stage { print $2 }' "$results" | sort -n \
    | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

files() {
  awk '{ n++; s += $2 } END { printf "%d files, %.1f MB", n, s / 1e6 }' "$work/$1.served"
}

measure() {
  results="$work/results-$1.tsv"
  : >"$results"
  serve "$2" "$3"
  i=0
  while [ "$i" -lt "$rounds" ]; do
    i=$((i + 1))
    forget
    fresh_site
    djdd "$1-cold"
    bump
    djdd "$1-bump"
  done
  cold=$(median "$1-cold")
  bumped=$(median "$1-bump")
  printf '%-44s %6.2f s   (downloaded %s)\n' "  cold (no env, empty download cache)" "$cold" "$(files "$1-cold")"
  printf '%-44s %6.2f s   (downloaded %s)\n' "  after the lock bumps $package" "$bumped" "$(files "$1-bump")"
  awk -v b="$bumped" -v c="$cold" 'BEGIN { printf "  ratio bump/cold: %.0f %% (target: at most 40 %%)\n", 100 * b / c }'
}

echo "Env step of djdd:build, example site with pylock.toml ($(grep -c '^\[\[packages\]\]' "$work/pylock.toml")" \
  "packages), $suite, median of $rounds rounds:"
echo "index at $mbit Mbit/s, $latency ms per file:"
measure link "$mbit" "$latency"
echo "index unthrottled on loopback:"
measure loopback 0 0

# The bumped env, built again from nothing: the same package, byte for byte?
bumped_env=$(sed -n 's/.*\(djddlockbench-env-[0-9a-f]*_[^ ]*\.deb\).*/\1/p' "$work/djdd-loopback-bump.log" | tail -n 1)
kept=$(sha256sum "$build/packages/$bumped_env" | cut -d' ' -f1)
rm -rf --one-file-system "$build"/packages/$software-* "$build/venvs/$suite/$software-env"
djdd again
again=$(sha256sum "$build/packages/$bumped_env" | cut -d' ' -f1)
[ "$kept" = "$again" ] && same=yes || same=no
echo "the bumped env ($bumped_env) built from nothing is the same file: $same"
[ "$same" = yes ]
