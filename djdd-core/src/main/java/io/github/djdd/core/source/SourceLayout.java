package io.github.djdd.core.source;

import io.github.djdd.core.naming.SoftwareName;

/**
 * Where a src package installs on the target (SPEC section 1): the tree of one commit, named by the
 * commit's short id.
 *
 * @param commitId the commit's short id ({@link ResolvedCommit#shortId()}), the package's {@code srchash}
 * @param projectDir the folder of the tree that holds the Django project, "" for the top
 */
public record SourceLayout(SoftwareName software, String commitId, String projectDir) {

    public static SourceLayout of(SoftwareName software, ResolvedCommit commit, String projectDir) {
        return new SourceLayout(software, commit.shortId(), projectDir);
    }

    public String packageName() {
        return software + "-src-" + commitId;
    }

    /** The commit's tree. */
    public String installDir() {
        return "/usr/lib/" + software + "-src/" + commitId;
    }

    /** The Django project inside the tree: {@code manage.py}'s folder and the services' {@code PYTHONPATH}. */
    public String projectPath() {
        return projectDir.isEmpty() ? installDir() : installDir() + "/" + projectDir;
    }
}
