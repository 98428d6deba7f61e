#!/bin/sh
# Builds the bundled example Django site (site/) with djdd, as an operator would, as root:
# installs the prerequisites, builds the plugin (and the core it needs, not the test modules)
# and installs it into root's Maven repository, makes site/ a git repository, then runs djdd:init
# and djdd:build with the deployment POM beside this script.
# Build dir: /var/lib/djdd/build (djdd's default), or -Ddjdd.buildDir=DIR passed to this script.
set -eu
example=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$example")
"$top/bin/install-prerequisites"
"$top/mvnw" -B -q -f "$top/pom.xml" install -pl djdd-maven-plugin -am -DskipTests

# The example's "upstream": a git repository of site/, committed afresh from the working copy.
repository="$example/target/mysite.git"
rm -rf "$repository"
mkdir -p "$repository"
git -C "$repository" init -q --initial-branch=main
cp -a "$example/site/." "$repository/"
git -C "$repository" add -A
git -C "$repository" -c user.name=djdd -c user.email=djdd@example.com commit -q -m "Example site"

"$top/mvnw" -B -f "$example/pom.xml" djdd:init djdd:build "$@"

build_dir=/var/lib/djdd/build
suite=trixie
for arg in "$@"; do
  case "$arg" in
    -Ddjdd.buildDir=*) build_dir=${arg#-Ddjdd.buildDir=} ;;
    -Ddjdd.suite=*) suite=${arg#-Ddjdd.suite=} ;;
  esac
done
echo
echo "Made in $build_dir:"
echo "  roots/$suite/         the build root (Debian $(cat "$build_dir/roots/$suite/etc/debian_version"))"
echo "  sources/mysite/       the clone of $repository"
echo "  packages/             the .debs (this build's are listed above, under 'Packages in')"
echo "On a $suite server with them in an APT repository: apt-get install mysite-site-berlin"
