package io.github.djdd.core.publish;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import java.nio.file.Path;
import java.util.List;

/** An APT repository {@code djdd:publish} adds packages to: a folder djdd keeps, or aptly. */
public interface PackageRepository {
    /**
     * Adds {@code debs} to {@code suite}, keeps the {@code keep} newest versions of each site and
     * what they need, and makes the new state what servers see, signed.
     */
    Published publish(String suite, List<Path> debs, int keep) throws DjddException;

    /** The repository as messages name it. */
    String describe();

    /** One sentence on how a server of {@code suite} uses the repository. */
    String howServersUseIt(String suite);

    /** Refuses a retention that would keep no version of a site. */
    static void requireKeep(int keep) throws InvalidConfigurationException {
        if (keep < 1) {
            throw new InvalidConfigurationException("keep", "<keep> is " + keep + ": keep at least 1 version of each"
                    + " site.");
        }
    }
}
