def log = new File(basedir, 'build.log').text
assert log.contains("The <repository> folder '" + new File(basedir, 'does-not-exist').path + "' does not exist on the build machine: fix the path or use the repository's URL.")
def sources = new File(basedir, 'target/build/sources')
assert !sources.exists() || sources.list().findAll { !it.endsWith('.lock') }.isEmpty()
