package io.github.djdd.core.buildroot;

/**
 * What a command in the build root may reach. The build machine holds the key that signs what
 * every server installs as root, so code that djdd did not write (a project's settings and
 * {@code collectstatic}, any sdist's {@code setup.py} or build backend) never runs with rights:
 * it runs as an unprivileged uid in a user namespace of its own, without capabilities
 * ({@code no_new_privs}), on an overlay of the root (which never changes), pivoted into it (no
 * chroot to leave), with a minimal {@code /dev}, no {@code /sys}, a private {@code /tmp} and a
 * network namespace of its own, and sees of the host only the folders bound for it.
 */
public enum Isolation {
    /** djdd's own programs (apt, dpkg, tar of its own packages): root in the root, the host's network. */
    NONE,
    /** Code of the project or of its dependencies: the sandbox, with no network at all. */
    SANDBOX,
    /**
     * The sandbox with its loopback interface up: nothing listens there but what the command
     * itself starts, such as a relay to a socket bound into it (djdd's package index proxy).
     */
    SANDBOX_WITH_LOOPBACK
}
