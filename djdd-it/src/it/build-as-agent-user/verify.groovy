// The second run was Maven as djddit-agent, an unprivileged member of the djdd group: it fetched the
// sources, built every package, and they are its files, not root's.
import java.nio.file.Files

def log = new File(basedir, 'build.log').text
assert log.contains('Running Maven as djddit-agent (uid=')
assert log.count('BUILD SUCCESS') == 2
assert log =~ /Cloning \S+ into \S+\/sources\/djddagent/
assert log =~ /Built djddagent-env-[0-9a-f]{12}_1_amd64\.deb/
assert log =~ /Built djddagent-src-[0-9a-f]{12}_1_all\.deb/
assert log =~ /Built djddagent-site-blue_\S+_all\.deb/

// A member builds in a build dir of its own, users/{user}: root's packages/ never holds its files.
def own = new File(djddBuildDir, 'users/djddit-agent')
def packages = new File(own, 'packages').listFiles().findAll { it.name.startsWith('djddagent-') && it.name.endsWith('.deb') }
assert packages.size() == 3
packages.each { assert Files.getOwner(it.toPath()).name == 'djddit-agent' : it.name }
assert Files.getOwner(new File(own, 'sources/djddagent').toPath()).name == 'djddit-agent'
assert !new File(djddBuildDir, 'packages').listFiles().any { it.name.startsWith('djddagent-') }
true
