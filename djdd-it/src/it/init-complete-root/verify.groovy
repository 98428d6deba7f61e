// Runs against the build dir the integration tests keep: the root is there, init only checks it.
def log = new File(basedir, 'build.log').text
assert log.contains('--- Build root bookworm ---')
assert log =~ /Build root .*djdd-build\/root is (ready|complete: nothing to do)/
assert log.contains('BUILD SUCCESS')
assert new File(djddBuildDir, 'root.properties').text.contains('complete=true')
