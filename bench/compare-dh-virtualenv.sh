#!/bin/sh
# djdd against the peer tool, dh-virtualenv (../shared/peers/dh-virtualenv), on the example site,
# as root, in one run on one machine (absolute times move from run to run; the ratios less so).
# Each round runs, one after the other:
#   djdd   - djdd:build of the example site with default settings (one site package, no variants):
#            cold (build root ready, no package of this software in packages/), again with nothing
#            changed (env and src reused), and after a one-line commit (new src and site, env reused)
#   stock  - the peer's bench.sh as shipped (xz): cold, warm (nothing changed), one-line change
#   tuned  - the peer's bench.sh with DHV_FAST=1 (zstd, no strip-nondeterminism in the venv)
# It prints the wall times (median over the rounds) with the ratios djdd/peer, the package sizes
# and the peak RSS of djdd's Maven process during the cold build.
# Usage: sudo bench/compare-dh-virtualenv.sh [build dir [suite]]    (ROUNDS=n, default 1; PEERS=tuned
# leaves out the stock peer, which takes most of the time; PEERS=none runs djdd alone, for a quick look)
# The build dir defaults to djdd-it/target/djdd-build, the tests' cached root; the suite to bookworm,
# the peer's (it builds on this Debian 12 machine).
set -eu
cd "$(dirname "$0")/.."
top=$PWD
build=${1:-$top/djdd-it/target/djdd-build}
suite=${2:-bookworm}
rounds=${ROUNDS:-1}
peer=$(cd "$top/../shared/peers/dh-virtualenv" && pwd)
work=${DJDD_BENCH_DIR:-/var/tmp/djdd-bench-compare}
[ -f "$build/roots/$suite.properties" ] || { echo "No $suite build root in $build: run djdd:init (or the ITs) first." >&2; exit 2; }
rm -rf --one-file-system "$work"
mkdir -p "$work"

. bench/lib.sh
results="$work/results.tsv"   # tool stage seconds
: >"$results"

# One djdd build of $site: wall time into results, Maven's peak RSS (KiB) into $work/STAGE.rss.
djdd() {
  stage=$1
  start=$(now)
  # shellcheck disable=SC2086
  (cd "$work" && /usr/bin/time -f '%M' -o "$work/$stage.rss" "$top/mvnw" -B $repo_args \
    "io.github.djdd:djdd-maven-plugin:$version:build" -Ddjdd.software=djddbench -Ddjdd.buildDir="$build" \
    -Ddjdd.repository="$site" -Ddjdd.suite="$suite") >"$work/djdd-$stage.log" 2>&1 \
    || { tail -n 40 "$work/djdd-$stage.log" >&2; exit 1; }
  printf 'djdd\t%s\t%s\n' "$stage" "$(elapsed "$start" "$(now)")" >>"$results"
  # djdd's own work: the sum of its steps' times (no JVM start, no Maven, no plugin loading).
  printf 'own\t%s\t%s\n' "$stage" "$(grep -o 'done in [0-9.]* s' "$work/djdd-$stage.log" \
    | awk '{ s += $3 } END { printf "%.2f", s }')" >>"$results"
}

djdd_round() {
  site="$work/site.git"
  rm -rf --one-file-system "$site"
  git init -q --initial-branch=main "$site"
  cp -a example/site/. "$site/"
  git -C "$site" add -A
  git -C "$site" -c user.name=bench -c user.email=bench@example.org commit -q -m bench
  rm -rf "$build"/packages/djddbench-* "$build"/packages/.djddbench-*
  djdd cold
  cp "$build"/packages/djddbench-env-*.deb "$work/"
  djdd warm
  printf 'BENCH_BUILD_ID = "%s"  # one-line change\n' "$(date +%s%N)" >>"$site/mysite/urls.py"
  git -C "$site" -c user.name=bench -c user.email=bench@example.org commit -q -am change
  djdd change
  rm -rf "$build"/packages/djddbench-*
}

# The peer on a copy of the example site; its own summary gives the wall seconds per stage.
peer_round() {
  name=$1 fast=$2
  copy="$work/peer-$name/mysite"
  rm -rf --one-file-system "$work/peer-$name"
  mkdir -p "$copy"
  cp -a example/site/. "$copy/"
  DHV_FAST=$fast VERIFY=0 STATE_DIR="$work/peer-$name/state" "$peer/bench.sh" "$copy" >"$work/peer-$name.log" 2>&1 \
    || { tail -n 40 "$work/peer-$name.log" >&2; exit 1; }
  awk -F '\t' -v name="$name" 'NR > 1 { printf "%s\t%s\t%s\n", name, $1, $2 }' \
    "$work/peer-$name/state/summary.tsv" >>"$results"
  cp "$work/peer-$name/state/"*.deb "$work/peer-$name.deb"
}

i=1
while [ "$i" -le "$rounds" ]; do
  echo "== round $i of $rounds: djdd, dh-virtualenv stock, dh-virtualenv tuned"
  djdd_round
  if [ "${PEERS:-all}" != none ]; then
    [ "${PEERS:-all}" = tuned ] || peer_round stock 0
    peer_round tuned 1
  fi
  i=$((i + 1))
done

median() {  # median of the seconds of tool $1, stage $2
  awk -F '\t' -v t="$1" -v s="$2" '$1 == t && $2 == s { print $3 }' "$results" | sort -n \
    | awk '{ v[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo
echo "$(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), $rounds round(s), wall seconds:"
printf '%-34s %8s %8s %8s\n' "tool" "cold" "warm" "change"
for tool in stock tuned djdd; do
  [ -n "$(median "$tool" cold)" ] || continue
  case $tool in
    stock) label="dh-virtualenv $(dpkg-query -W -f='${Version}' dh-virtualenv) (stock: xz)" ;;
    tuned) label="dh-virtualenv tuned (zstd)" ;;
    djdd) label="djdd, default settings" ;;
  esac
  printf '%-34s %8s %8s %8s\n' "$label" "$(median "$tool" cold)" "$(median "$tool" warm)" "$(median "$tool" change)"
done
printf '%-34s %8s %8s %8s\n' "  djdd's own work (its steps)" "$(median own cold)" "$(median own warm)" \
  "$(median own change)"
for peer_name in stock tuned; do
  [ -n "$(median "$peer_name" cold)" ] || continue
  printf '%-34s %8s %8s %8s\n' "djdd / $peer_name" \
    "$(ratio "$(median djdd cold)" "$(median "$peer_name" cold)")" \
    "$(ratio "$(median djdd warm)" "$(median "$peer_name" warm)")" \
    "$(ratio "$(median djdd change)" "$(median "$peer_name" change)")"
done
echo
printf '%-52s %12s\n' "djdd env package (default compression), bytes" "$(stat -c %s "$work"/djddbench-env-*.deb)"
printf '%-52s %12s\n' "  its data member" "$(ar t "$work"/djddbench-env-*.deb | grep data.tar)"
[ ! -f "$work/peer-stock.deb" ] || printf '%-52s %12s\n' "dh-virtualenv stock package (xz), bytes" \
  "$(stat -c %s "$work/peer-stock.deb")"
[ ! -f "$work/peer-tuned.deb" ] || printf '%-52s %12s\n' "dh-virtualenv tuned package (zstd), bytes" \
  "$(stat -c %s "$work/peer-tuned.deb")"
printf '%-52s %12s\n' "djdd cold build: peak RSS of Maven (KiB)" "$(tail -n 1 "$work/cold.rss")"
