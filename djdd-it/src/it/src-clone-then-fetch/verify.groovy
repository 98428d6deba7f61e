def log = new File(basedir, 'build.log').text
def head = { String ref -> ['git', '-C', new File(basedir, 'upstream').path, 'rev-parse', ref].execute().text.trim() }
assert log.contains('Cloning ' + new File(basedir, 'upstream').path)
assert log.contains('Fetching ' + new File(basedir, 'upstream').path)
assert log.contains('Variant berlin: release is commit ' + head('release'))
assert log.contains('Variant blue: main is commit ' + head('main'))
assert new File(basedir, 'target/build/sources/mysoftware/HEAD').isFile()
