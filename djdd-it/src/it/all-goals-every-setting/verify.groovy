def log = new File(basedir, 'build.log').text
assert !log.contains('Unable to parse configuration'), 'a goal refused the configuration'
assert !log.contains('Cannot find default setter'), 'a goal refused the configuration'
// Maven 3.9 warns of a read-only parameter that the configuration names (the first sign of a clash).
assert !(log =~ /\[WARNING\]\s+Parameter '/)
// The first run: each of init, src, build, publish, promote and rollback took the configuration and skipped.
assert log.count('Skipping djdd (djdd.skip is true).') == 6
// help is the goal maven-plugin-plugin generates; it has no skip and prints the goals.
assert log.contains('djdd:publish')
// The second run: src cloned with the configured ref for both variants.
def head = ['git', '-C', new File(basedir, 'upstream').path, 'rev-parse', 'main'].execute().text.trim()
assert log.contains('Variant berlin: main is commit ' + head)
assert log.contains('Variant blue: main is commit ' + head)
assert log.contains('BUILD SUCCESS')
