# Shared by the benches, sourced from the repository's top folder: installs this checkout's plugin
# into a local repository of its own (everything else is read from ~/.m2; pass $repo_args to every
# mvnw), sets $version, points pip at this machine's PyPI mirror and the wheelhouse beside the
# repository when they exist, and defines now and elapsed.
repo_args="-Dmaven.repo.local=$PWD/target/bench-repo -Dmaven.repo.local.tail=$HOME/.m2/repository"
# shellcheck disable=SC2086
./mvnw -B -q $repo_args install -DskipTests -Dinvoker.skip
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -n 1)
if [ -d /opt/pypi/simple ]; then
  export PIP_INDEX_URL=file:///opt/pypi/simple
  [ -d ../shared/wheelhouse ] && export PIP_FIND_LINKS="$(cd ../shared/wheelhouse && pwd) ${PIP_FIND_LINKS:-}"
fi
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
