// Makes the example site the upstream repository (upstream/ in the test project, branch main).
import java.nio.file.Files
import java.nio.file.Path

def upstream = new File(basedir, 'upstream')
def site = Path.of(exampleSite)
Files.walk(site).sorted().each { Path from ->
    def to = upstream.toPath().resolve(site.relativize(from).toString())
    Files.isDirectory(from) ? Files.createDirectories(to) : Files.copy(from, to)
}
def git = { String... args ->
    def process = (['git', '-c', 'user.name=it', '-c', 'user.email=it@example.org', '-c', 'init.defaultBranch=main'] + args.toList())
            .execute(null, upstream)
    process.waitForProcessOutput(System.out, System.err)
    assert process.exitValue() == 0
}
git('init', '-q')
git('add', '-A')
git('commit', '-q', '-m', 'example site')
