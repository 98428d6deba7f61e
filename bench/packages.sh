#!/bin/sh
# Benchmark of the packages of the example site (one site, no variants), as root, on a build dir
# whose root djdd:init made (default: djdd-it/target/djdd-build, the tests' cached root):
#   env cold      - djdd:build with no env/src package yet (pip, virtualenv, assembly), default
#                   compression (zstd), with the peak RSS of the Maven process
#   env warm      - the same build again: env and src reused, collectstatic and site package made
#   env rebuilt   - the env package built again with the default (same bytes?), then with xz
#   DebWriter vs dpkg-deb - the env's tree assembled by djdd's DebWriter and by dpkg-deb -b,
#                   zstd and xz, with the package sizes
# Usage: sudo bench/packages.sh [build dir]
set -eu
cd "$(dirname "$0")/.."
build=${1:-$PWD/djdd-it/target/djdd-build}
work=${DJDD_BENCH_DIR:-/var/tmp/djdd-bench-packages}
rm -rf --one-file-system "$work"
mkdir -p "$work"
. bench/lib.sh

# The example site as a git repository, under a software name of its own.
repo="$work/site.git"
git init -q --initial-branch=main "$repo"
cp -a example/site/. "$repo/"
git -C "$repo" add -A
git -C "$repo" -c user.name=bench -c user.email=bench@example.org commit -q -m bench
rm -f "$build"/packages/djddbench-*
top=$PWD
timer=""   # set to a /usr/bin/time command line for one run
run() {
  # shellcheck disable=SC2086
  (cd "$work" && $timer "$top/mvnw" -B $repo_args "io.github.djdd:djdd-maven-plugin:$version:build" -Ddjdd.software=djddbench \
    -Ddjdd.buildDir="$build" -Ddjdd.repository="$repo" "$@")
}

timer="/usr/bin/time -f %M -o $work/cold.rss"
start=$(now); run >"$work/cold.log"; cold=$(elapsed "$start" "$(now)")
timer=""
env_step=$(sed -n 's/.*Env package done in \([0-9.]*\) s.*/\1/p' "$work/cold.log" | head -n 1)
start=$(now); run >"$work/warm.log"; warm=$(elapsed "$start" "$(now)")
collect=$(sed -n 's/.*Collectstatic djddbench-site done in \([0-9.]*\) s.*/\1/p' "$work/warm.log")
site_step=$(sed -n 's/.*Site package djddbench-site done in \([0-9.]*\) s.*/\1/p' "$work/warm.log")

# The same virtualenv tree, unpacked from the package, packed by dpkg-deb.
env_deb=$(ls "$build"/packages/djddbench-env-*.deb)
tree="$work/tree"
mkdir -p "$tree"
dpkg-deb -R "$env_deb" "$tree"
start=$(now)
dpkg-deb -Zxz --root-owner-group -b "$tree" "$work/dpkg-xz.deb" >/dev/null
dpkg_xz=$(elapsed "$start" "$(now)")
start=$(now)
dpkg-deb -Zzstd --root-owner-group -b "$tree" "$work/dpkg-zstd.deb" >/dev/null
dpkg_zstd=$(elapsed "$start" "$(now)")

# The env package again: by default (the same bytes?), then with xz.
cp "$env_deb" "$work/first-env.deb"
rm -f "$build"/packages/djddbench-env-*.deb
start=$(now); run >"$work/rebuild.log"; rebuild=$(elapsed "$start" "$(now)")
assembly=$(sed -n 's/.*Assembled djddbench-env-.* in \([0-9.]*\) s.*/\1/p' "$work/rebuild.log")
same=no; cmp -s "$work/first-env.deb" "$(ls "$build"/packages/djddbench-env-*.deb)" && same=yes
rm -f "$build"/packages/djddbench-env-*.deb
run -Ddjdd.compression=xz >"$work/rebuild-xz.log"
assembly_xz=$(sed -n 's/.*Assembled djddbench-env-.* in \([0-9.]*\) s.*/\1/p' "$work/rebuild-xz.log")
xz_deb=$(ls "$build"/packages/djddbench-env-*.deb)
size=$(stat -c %s "$work/first-env.deb")
size_xz=$(stat -c %s "$xz_deb")

printf '%-52s %10s\n' "measure (example site, $(nproc) cores)" "value"
printf '%-52s %10s s\n' "djdd:build cold, wall (env + src + site)" "$cold"
printf '%-52s %10s s\n' "  of which the env package step" "$env_step"
printf '%-52s %10s\n' "  peak RSS of the Maven process (KiB)" "$(tail -n 1 "$work/cold.rss")"
printf '%-52s %10s s\n' "djdd:build again, wall (env and src reused)" "$warm"
printf '%-52s %10s s\n' "  of which collectstatic" "$collect"
printf '%-52s %10s s\n' "  of which the site package step" "$site_step"
printf '%-52s %10s s\n' "env package rebuilt (pip cache warm), wall" "$rebuild"
printf '%-52s %10s s\n' "  of which DebWriter assembly (zstd, the default)" "$assembly"
printf '%-52s %10s s\n' "DebWriter assembly of the env package with xz" "$assembly_xz"
printf '%-52s %10s s\n' "dpkg-deb -b -Zzstd of the same tree" "$dpkg_zstd"
printf '%-52s %10s s\n' "dpkg-deb -b -Zxz of the same tree" "$dpkg_xz"
printf '%-52s %10s\n' "env package size, DebWriter zstd (bytes)" "$size"
printf '%-52s %10s\n' "env package size, DebWriter xz (bytes)" "$size_xz"
printf '%-52s %10s\n' "  zstd / xz" "$(awk -v a="$size" -v b="$size_xz" 'BEGIN { printf "%.2f", a / b }')"
printf '%-52s %10s\n' "env package size, dpkg-deb zstd (bytes)" "$(stat -c %s "$work/dpkg-zstd.deb")"
printf '%-52s %10s\n' "env package size, dpkg-deb xz (bytes)" "$(stat -c %s "$work/dpkg-xz.deb")"
printf '%-52s %10s\n' "src package size (bytes)" "$(stat -c %s "$(ls "$build"/packages/djddbench-src-*.deb)")"
printf '%-52s %10s\n' "site package size (bytes)" "$(stat -c %s "$(ls "$build"/packages/djddbench-site_*.deb | head -n 1)")"
printf '%-52s %10s\n' "env package byte-identical when rebuilt" "$same"
rm -f "$build"/packages/djddbench-*
rm -rf --one-file-system "$work"
