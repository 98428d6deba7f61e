#!/bin/sh
# Benchmark of djdd:init against plain debootstrap, on this machine, as root:
#   cold init    - djdd:init into an empty build dir (bootstrap + build packages + updates + group + schroot)
#   re-init      - djdd:init again on the complete root (wall time with JVM start, and djdd's own step time)
#   debootstrap  - plain 'debootstrap --variant=minbase' of the same suite (no build packages)
#   mmdebstrap   - plain 'mmdebstrap --variant=minbase' of the same suite (no build packages)
#   mmdebstrap+  - plain 'mmdebstrap --variant=minbase --include=...' with djdd's build packages and
#                  the suite's updates and security archives: the same package set and sources as
#                  djdd:init, so the ratio shows djdd's own cost
# Usage: sudo bench/init.sh [suite]   (work folder: $DJDD_BENCH_DIR, default /var/tmp/djdd-bench)
set -eu
cd "$(dirname "$0")/.."
suite=${1:-trixie}
work=${DJDD_BENCH_DIR:-/var/tmp/djdd-bench}
mirror=http://deb.debian.org/debian
rm -rf --one-file-system "$work"
mkdir -p "$work"
. bench/lib.sh
goal="io.github.djdd:djdd-maven-plugin:$version:init"

start=$(now)
./mvnw -B $repo_args "$goal" -Ddjdd.buildDir="$work/build" -Ddjdd.suite="$suite" >"$work/cold.log"
cold=$(elapsed "$start" "$(now)")

start=$(now)
./mvnw -B $repo_args "$goal" -Ddjdd.buildDir="$work/build" -Ddjdd.suite="$suite" >"$work/reinit.log"
reinit=$(elapsed "$start" "$(now)")
reinit_step=$(sed -n 's/.*Build root [a-z]* done in \([0-9.]*\) s.*/\1/p' "$work/reinit.log")

start=$(now)
debootstrap --variant=minbase "$suite" "$work/debootstrap" "$mirror" >"$work/debootstrap.log" 2>&1
plain_debootstrap=$(elapsed "$start" "$(now)")

start=$(now)
mmdebstrap --variant=minbase "$suite" "$work/mmdebstrap" "$mirror" >"$work/mmdebstrap.log" 2>&1
plain_mmdebstrap=$(elapsed "$start" "$(now)")

# The build packages as djdd-core lists them (InitBuildRootStep.BUILD_PACKAGES).
packages=$(sed -n '/BUILD_PACKAGES = List.of(/,/);/p' djdd-core/src/main/java/io/github/djdd/core/buildroot/InitBuildRootStep.java \
  | grep -o '"[a-z0-9.+-]*"' | tr -d '"' | paste -sd, -)
start=$(now)
mmdebstrap --variant=minbase --include="$packages" "$suite" "$work/mmdebstrap-full" "deb $mirror $suite main" \
  "deb $mirror $suite-updates main" "deb http://security.debian.org/debian-security $suite-security main" \
  >"$work/mmdebstrap-full.log" 2>&1
full_mmdebstrap=$(elapsed "$start" "$(now)")

rm -f "/etc/schroot/chroot.d/$(grep -l "directory=$work/build/roots/$suite" /etc/schroot/chroot.d/* | xargs -r basename)"
rm -rf --one-file-system "$work"

printf '%-44s %10s\n' "measure ($suite, $(nproc) cores)" "seconds"
printf '%-44s %10.1f\n' "djdd:init cold (bootstrap + build packages)" "$cold"
printf '%-44s %10.1f\n' "djdd:init again, wall time with JVM start" "$reinit"
printf '%-44s %10.2f\n' "djdd:init again, djdd's own step time" "$reinit_step"
printf '%-44s %10.1f\n' "plain debootstrap --variant=minbase" "$plain_debootstrap"
printf '%-44s %10.1f\n' "plain mmdebstrap --variant=minbase" "$plain_mmdebstrap"
printf '%-44s %10.1f\n' "plain mmdebstrap, same packages as djdd:init" "$full_mmdebstrap"
printf '%-44s %10.2f\n' "ratio djdd:init cold / that mmdebstrap" "$(awk -v a="$cold" -v b="$full_mmdebstrap" 'BEGIN { print a / b }')"
