package io.github.djdd.core.publish;

import java.util.List;

/**
 * What a publish did, each package named by its name, version and architecture.
 *
 * @param added the packages the repository did not have
 * @param present the packages it had already, with the same bytes
 * @param dropped the packages retention removed
 */
public record Published(List<String> added, List<String> present, List<String> dropped) {}
