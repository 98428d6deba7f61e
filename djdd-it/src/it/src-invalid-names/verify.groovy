def log = new File(basedir, 'build.log').text
assert log.contains("Invalid software name 'My App': use 2 to 16 characters")
assert !new File(basedir, 'target/build').exists()
