package io.github.djdd.core.deb;

/** Debian's names for machine architectures. */
public final class Architecture {
    private Architecture() {}

    /** This machine's architecture, which djdd's build roots and env packages have. */
    public static String host() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }
}
