def log = new File(basedir, 'build.log').text
assert log.contains("<listen> of variant blue 'http' is not a port: use a whole number from 1 to 65535.")
assert !log.contains('\tat io.github.djdd')
assert !new File(basedir, 'target/build').exists()
