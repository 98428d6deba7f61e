package io.github.djdd.core.workspace;

import com.sun.security.auth.module.UnixSystem;
import io.github.djdd.core.DjddException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Who may build: root, or a member of the {@code djdd} group that {@code djdd:init} creates (a
 * Jenkins agent's user, for example), which writes the build dir's shared folders, enters the
 * build roots unprivileged and installs packages into them only through init's package helper.
 */
public final class BuildUser {
    public static final String GROUP = "djdd";

    private BuildUser() {}

    public static boolean isRoot() {
        return new UnixSystem().getUid() == 0;
    }

    /**
     * Refuses a user that is neither root nor a member of {@link #GROUP}, saying how to join it.
     *
     * @param goal what the user runs, for the message ({@code djdd:build})
     */
    public static void requireMember(String goal) throws DjddException {
        if (isRoot()) {
            return;
        }
        String user = System.getProperty("user.name");
        if (!groupsOfThisProcess().contains(GROUP)) {
            throw new DjddException(goal + " runs as root or as a member of the '" + GROUP + "' group, and " + user
                    + " is not a member: as root, run 'adduser " + user + " " + GROUP + "' (djdd:init creates the"
                    + " group), then log in again or restart the Jenkins agent so that the membership counts.");
        }
    }

    /** The group names of this process (not of the user's entry: a membership added since does not count yet). */
    static List<String> groupsOfThisProcess() throws DjddException {
        try {
            Process process = new ProcessBuilder("id", "-Gn").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new DjddException("'id -Gn' failed (" + output.strip() + "): check the build machine's user"
                        + " database.");
            }
            return Arrays.asList(output.strip().split("\\s+"));
        } catch (IOException e) {
            throw new DjddException("Cannot run 'id -Gn' to read this user's groups (" + e.getMessage() + ").", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DjddException("Interrupted while reading this user's groups.", e);
        }
    }
}
