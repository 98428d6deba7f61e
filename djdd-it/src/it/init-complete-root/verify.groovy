// Runs against the build dir the integration tests keep: the root is there, init only checks it.
def log = new File(basedir, 'build.log').text
assert log.contains('--- Build root trixie ---')
assert log =~ /Build root .*djdd-build\/roots\/trixie is (ready|complete and current: nothing to do)/
assert log.contains('BUILD SUCCESS')
assert new File(djddBuildDir, 'roots/trixie.properties').text.contains('complete=true')
