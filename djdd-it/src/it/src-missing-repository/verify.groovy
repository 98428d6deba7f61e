def log = new File(basedir, 'build.log').text
assert log.contains('Cannot fetch the repository ' + new File(basedir, 'does-not-exist').path)
assert log.contains('-Ddjdd.repository')
def sources = new File(basedir, 'target/build/sources')
assert sources.list().findAll { !it.endsWith('.lock') }.isEmpty()
