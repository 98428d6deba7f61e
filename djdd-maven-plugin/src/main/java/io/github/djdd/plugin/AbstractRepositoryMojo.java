package io.github.djdd.plugin;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.source.SourceRepository;
import org.apache.maven.plugins.annotations.Parameter;

/** The goals that read the software's repository: {@code src} and {@code build}. */
abstract class AbstractRepositoryMojo extends AbstractDjddMojo {
    /**
     * The software's git repository: any URL git understands, or a local path. {@code djdd:build}
     * without it uses the clone {@code djdd:src} made.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.repository")
    String repository;

    /**
     * The branch, tag or commit for every variant, instead of each variant's {@code <ref>}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "ref")
    String ref;

    /** {@code <repository>}, checked; null when none is configured. */
    String checkedRepository() throws InvalidConfigurationException {
        return repository == null || repository.isBlank() ? null : SourceRepository.checkUrl(repository);
    }

    /** {@code -Dref}, checked; null when none is given. */
    String checkedRef() throws InvalidConfigurationException {
        return SourceRepository.checkRef(ref, "-Dref");
    }
}
