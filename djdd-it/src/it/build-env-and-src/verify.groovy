def log = new File(basedir, 'build.log').text
def packages = new File(djddBuildDir, 'packages').list().findAll { it.startsWith('djddinvoker-') && it.endsWith('.deb') }.sort()
packages.each { assert new File(djddBuildDir, 'packages/' + it + '.sha256').isFile() }
assert packages.size() == 2
assert packages[0] ==~ /djddinvoker-env-[0-9a-f]{12}_1_amd64\.deb/
assert packages[1] ==~ /djddinvoker-src-[0-9a-f]{12}_1_all\.deb/
// First run: only blue, both packages built; second run: blue and red, everything reused.
assert log.count('Variant blue: main is commit') == 2
assert log.count('Variant red: main is commit') == 1
assert log =~ /--- Env package ---/
assert log =~ /Built djddinvoker-env-[0-9a-f]{12}_1_amd64\.deb/
assert log =~ /Reusing djddinvoker-env-[0-9a-f]{12}_1_amd64\.deb: already built/
assert log =~ /Reusing djddinvoker-src-[0-9a-f]{12}_1_all\.deb: already built/
assert log =~ /Env package done in [0-9.]+ s/
assert log.contains('(reused)')
def data = ['ar', 't', new File(djddBuildDir, 'packages/' + packages[1]).path].execute().text
assert data.contains('data.tar.gz')
