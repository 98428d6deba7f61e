def log = new File(basedir, 'build.log').text
assert log.contains('Build dir /proc/djdd-it-build is not writable')
assert log.contains('-Ddjdd.buildDir')
