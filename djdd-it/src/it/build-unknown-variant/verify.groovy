def log = new File(basedir, 'build.log').text
assert log.contains("Unknown variant 'paris': use one of berlin, blue (<variants>), or leave -Dvariant out to build them all.")
assert !new File(basedir, 'target/build').exists()
