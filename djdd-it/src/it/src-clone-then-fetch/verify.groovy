def log = new File(basedir, 'build.log').text
def head = { String ref -> ['git', '-C', new File(basedir, 'upstream').path, 'rev-parse', ref].execute().text.trim() }
assert log.contains('Cloning ' + new File(basedir, 'upstream').path)
// The second src finds the upstream unchanged: a folder with the clone's branches and tags is not fetched again.
assert log.contains('has every branch and tag of ' + new File(basedir, 'upstream').path)
assert log.contains('Variant berlin: release is commit ' + head('release'))
assert log.contains('Variant blue: main is commit ' + head('main'))
assert new File(basedir, 'target/build/sources/mysoftware/HEAD').isFile()
