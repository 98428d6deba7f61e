def log = new File(basedir, 'build.log').text
assert log.contains("Unknown ref 'no-such-branch' in " + new File(basedir, 'upstream').path)
assert log.contains('branches: main, release')
