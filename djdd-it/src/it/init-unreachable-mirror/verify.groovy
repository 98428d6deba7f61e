def log = new File(basedir, 'build.log').text
assert log.contains('Cannot reach the Debian mirror http://127.0.0.1:9/debian')
assert log.contains('-Ddjdd.mirror')
assert !new File(basedir, 'target/build/roots/trixie').exists()
