#!/bin/sh
# Peak resident memory of the Maven process during a cold djdd:build of a big virtualenv (numpy,
# scipy, pandas, matplotlib, pillow: over 200 MB installed), as root, on a build dir whose root
# djdd:init made. The assembly streams every file into the compressor, so the peak should not grow
# with the env's size: compare with the example site's (bench/packages.sh).
# This machine's PyPI mirror holds those wheels for Python 3.11 only, so the default suite here is
# bookworm; with a real index any suite works.
# Usage: sudo bench/memory.sh [build dir] [suite]
set -eu
cd "$(dirname "$0")/.."
build=${1:-$PWD/djdd-it/target/djdd-build}
suite=${2:-bookworm}
work=${DJDD_BENCH_DIR:-/var/tmp/djdd-bench-memory}
rm -rf --one-file-system "$work"
mkdir -p "$work"
. bench/lib.sh
[ ! -d /opt/pypi-more/simple ] || export PIP_EXTRA_INDEX_URL=file:///opt/pypi-more/simple

# The example site with the scientific stack added to its requirements.
repo="$work/site.git"
git init -q --initial-branch=main "$repo"
cp -a example/site/. "$repo/"
printf 'numpy\nscipy\npandas\nmatplotlib\npillow\n' >> "$repo/requirements.txt"
git -C "$repo" add -A
git -C "$repo" -c user.name=bench -c user.email=bench@example.org commit -q -m bench
rm -f "$build"/packages/djddmem-*
top=$PWD
(cd "$work" && /usr/bin/time -f '%M %e' -o "$work/time" "$top/mvnw" -B $repo_args \
  "io.github.djdd:djdd-maven-plugin:$version:build" -Ddjdd.software=djddmem -Ddjdd.suite="$suite" \
  -Ddjdd.buildDir="$build" -Ddjdd.repository="$repo" >"$work/build.log") || { tail -n 40 "$work/build.log"; exit 1; }
env_deb=$(ls "$build"/packages/djddmem-env-*.deb)
installed=$(dpkg-deb --field "$env_deb" Installed-Size)
read -r rss wall < "$work/time"
printf '%-52s %10s\n' "measure (big env, $suite, $(nproc) cores)" "value"
printf '%-52s %10s\n' "env installed size (MiB)" "$(awk -v k="$installed" 'BEGIN { printf "%.0f", k / 1024 }')"
printf '%-52s %10s\n' "env package size (MiB)" "$(awk -v b="$(stat -c %s "$env_deb")" 'BEGIN { printf "%.0f", b / 1048576 }')"
printf '%-52s %10s\n' "djdd:build cold, wall (s)" "$wall"
printf '%-52s %10s\n' "peak RSS of the Maven process (MiB)" "$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')"
rm -f "$build"/packages/djddmem-*
rm -rf --one-file-system "$work"
