// The mirror is fine, the security archive is not: init names it and stops before making anything.
def log = new File(basedir, 'build.log').text
assert log.contains('Cannot reach the Debian security archive http://127.0.0.1:9/debian-security')
assert log.contains('-Ddjdd.securityMirror')
assert !log.contains('Bootstrapping')
assert !new File(basedir, 'target/build/roots/trixie').exists()
assert !new File(basedir, 'target/build/roots/trixie.partial').exists()
