// An upstream repository with a default branch and a release branch, made with the git CLI.
def upstream = new File(basedir, 'upstream')
upstream.mkdirs()
def git = { String... args ->
    def process = (['git', '-c', 'user.name=it', '-c', 'user.email=it@example.com', '-c', 'init.defaultBranch=main'] + args.toList())
            .execute(null, upstream)
    process.waitForProcessOutput(System.out, System.err)
    assert process.exitValue() == 0
}
git('init', '-q')
new File(upstream, 'manage.py').text = "print('hello')\n"
git('add', 'manage.py')
git('commit', '-q', '-m', 'first')
git('branch', 'release')
new File(upstream, 'app.py').text = "x = 1\n"
git('add', 'app.py')
git('commit', '-q', '-m', 'second')
