// A small upstream repository with a main branch, made with the git CLI.
def upstream = new File(basedir, 'upstream')
upstream.mkdirs()
def git = { String... args ->
    def process = (['git', '-c', 'user.name=it', '-c', 'user.email=it@example.com', '-c', 'init.defaultBranch=main'] + args.toList())
            .execute(null, upstream)
    process.waitForProcessOutput(System.out, System.err)
    assert process.exitValue() == 0
}
git('init', '-q')
new File(upstream, 'app').mkdirs()
new File(upstream, 'app/manage.py').text = "print('hello')\n"
git('add', 'app/manage.py')
git('commit', '-q', '-m', 'first')
