def log = new File(basedir, 'build.log').text
assert log.contains("Suite 'nosuchsuite' does not exist on mirror http://deb.debian.org/debian")
assert log.contains('-Ddjdd.suite')
assert !log.contains('Bootstrapping')
assert !log.contains('\tat io.github.djdd')
assert !new File(basedir, 'target/build/roots/nosuchsuite').exists()
assert !new File(basedir, 'target/build/roots/nosuchsuite.partial').exists()
