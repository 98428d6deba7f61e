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

def packages = new File(djddBuildDir, 'packages').listFiles().findAll { it.name.startsWith('djddagent-') && it.name.endsWith('.deb') }
assert packages.size() == 3
packages.each { assert Files.getOwner(it.toPath()).name == 'djddit-agent' : it.name }
assert Files.getOwner(new File(djddBuildDir, 'sources/djddagent').toPath()).name == 'djddit-agent'
true
