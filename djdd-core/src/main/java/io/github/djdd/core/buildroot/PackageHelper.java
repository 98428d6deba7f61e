package io.github.djdd.core.buildroot;

import io.github.djdd.core.process.Command;
import io.github.djdd.core.workspace.BuildUser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one way a build user (a member of the {@code djdd} group, not root) changes a build root:
 * a script {@code djdd:init} installs, which that group may run as root through sudo
 * ({@code /etc/sudoers.d/djdd}) and which installs Debian packages into a root that init
 * registered, from the root's own APT sources, one run at a time, and does nothing else. Its
 * arguments are checked as hostile: the root is named by its schroot definition (root's file),
 * and a package name is a Debian package name without apt's suffixes ({@code python3-} would
 * remove python3 from the root every build shares) that apt-cache knows exactly, after the root's
 * lists are updated ({@link BuildRoot#KNOWN_EXACTLY}).
 */
final class PackageHelper {
    static final Path SCRIPT = Path.of("/usr/local/libexec/djdd/install-packages");
    static final Path SUDOERS = Path.of("/etc/sudoers.d/djdd");

    private PackageHelper() {}

    static String script() {
        return """
                #!/bin/sh
                # Written by djdd:init, which rewrites it. Installs Debian packages into a djdd build root
                # for members of the djdd group, through sudo (/etc/sudoers.d/djdd): from the root's own APT
                # sources, one run at a time, and nothing else.
                set -eu
                PATH=/usr/sbin:/usr/bin:/sbin:/bin
                usage() {
                  echo "usage: $0 BUILD-ROOT PACKAGE... (BUILD-ROOT: the name of a djdd build root's schroot" \\
                    "definition in /etc/schroot/chroot.d)" >&2
                  exit 2
                }
                [ $# -ge 2 ] || usage
                name=$1; shift
                case $name in djdd-*) ;; *) usage ;; esac
                case $name in *[!a-z0-9-]*) usage ;; esac
                for package in "$@"; do
                  case $package in
                    [!a-z0-9]*|*[!a-z0-9.+:-]*) echo "'$package' is not a Debian package name" >&2; exit 2 ;;
                  esac
                  # apt-get install reads python3- as "remove python3", and a trailing + as "install".
                  case $package in
                    *[-+]|*[-+]:*)
                      echo "'$package' ends in '-' or '+', which apt-get reads as remove or install, not as part of" \\
                        "a name: name the package alone" >&2
                      exit 2 ;;
                  esac
                done
                conf=@SCHROOT_CONFIGS@/$name
                [ -f "$conf" ] || { echo "$name is no djdd build root: $conf does not exist" >&2; exit 2; }
                root=$(sed -n 's/^directory=//p' "$conf")
                [ -d "$root/var/lib/dpkg" ] || { echo "$root is no Debian system" >&2; exit 2; }
                # Root's alone, up to /: no one else can swap the system that apt runs in as root.
                folder=$root
                while :; do
                  mode=$((0$(stat -c %a "$folder")))
                  if [ -L "$folder" ] || [ "$(stat -c %u "$folder")" != 0 ] \\
                      || { [ $((mode & 022)) -ne 0 ] && [ $((mode & 01000)) -eq 0 ]; }; then
                    echo "$root is no build root of root's: $folder is a link, not root's, or writable for others" >&2
                    exit 2
                  fi
                  [ "$folder" = / ] && break
                  folder=$(dirname "$folder")
                done
                enter=$(cat <<'DJDD_ENTER'
                @ENTER@DJDD_ENTER
                )
                install=$(cat <<'DJDD_INSTALL'
                set -e
                dpkg --configure -a
                apt-get update
                @KNOWN_EXACTLY@exec apt-get install @UNATTENDED@ "$@"
                DJDD_INSTALL
                )
                exec flock "$root/var/lib/dpkg" @ISOLATED@ sh -c "$enter" djdd-enter "$root" "" host "" -- \\
                  /usr/bin/env -i PATH=@PATH@ HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \\
                  sh -c "$install" djdd-install "$@"
                """.replace("@ENTER@", BuildRoot.ENTER).replace("@KNOWN_EXACTLY@", BuildRoot.KNOWN_EXACTLY)
                .replace("@ISOLATED@", Command.join(Bootstrap.ISOLATED))
                .replace("@PATH@", BuildRoot.PATH).replace("@SCHROOT_CONFIGS@", SchrootConfig.DIR.toString())
                .replace("@UNATTENDED@", Command.join(BuildRoot.UNATTENDED));
    }

    static String sudoers() {
        return "# Written by djdd:init, which rewrites it: members of the djdd group install Debian packages into\n"
                + "# djdd's build roots, and do nothing else as root.\n"
                + "%" + BuildUser.GROUP + " ALL=(root) NOPASSWD: " + SCRIPT + "\n";
    }

    /** What a build user runs to install {@code packages} into the root with the schroot name {@code root}. */
    static Command command(String root, List<String> packages) {
        List<String> argv = new ArrayList<>(List.of("sudo", "--non-interactive", "--", SCRIPT.toString(), root));
        argv.addAll(packages);
        return Command.of(argv).withTimeout(Duration.ofMinutes(30))
                .describedAs("'" + SCRIPT + " " + root + " " + String.join(" ", packages) + "' through sudo");
    }
}
