def log = new File(basedir, 'build.log').text
def packages = new File(djddBuildDir, 'packages').list().findAll { it.startsWith('djddinvoker-') && it.endsWith('.deb') }.sort()
packages.each { assert new File(djddBuildDir, 'packages/' + it + '.sha256').isFile() }
def env = packages.find { it ==~ /djddinvoker-env-[0-9a-f]{12}_1_amd64\.deb/ }
def src = packages.find { it ==~ /djddinvoker-src-[0-9a-f]{12}_1_all\.deb/ }
def blue = packages.findAll { it ==~ /djddinvoker-site-blue_[0-9]{8}\.[0-9]{6}\.deb13\+g[0-9a-f]{12}\.[0-9a-f]{8}_all\.deb/ }
def red = packages.findAll { it ==~ /djddinvoker-site-red_[0-9]{8}\.[0-9]{6}\.deb13\+g[0-9a-f]{12}\.[0-9a-f]{8}_all\.deb/ }
assert env && src
// Blue was built twice from the same inputs: the same version, so one file.
assert blue.size() == 1 && red.size() == 1
assert packages.size() == 4

// First run: only blue; second run: blue and red, env and src reused, site packages built.
assert log.count('Variant blue: main is commit') == 2
assert log.count('Variant red: main is commit') == 1
assert log =~ /--- Env package ---/
assert log =~ /Built djddinvoker-env-[0-9a-f]{12}_1_amd64\.deb/
assert log =~ /Reusing djddinvoker-env-[0-9a-f]{12}_1_amd64\.deb: already built/
assert log =~ /Reusing djddinvoker-src-[0-9a-f]{12}_1_all\.deb: already built/
assert log =~ /Env package done in [0-9.]+ s/
assert log =~ /--- Collectstatic djddinvoker-site-red ---/
assert log =~ /1 static file copied to '\/usr\/lib\/djddinvoker-site\/red\/static'/
assert log =~ /Site package djddinvoker-site-red done in [0-9.]+ s/
// The summary that ends each build: how each package was got, its size and time.
assert log =~ /djddinvoker-src-[0-9a-f]{12}_1_all\.deb +reused +[0-9.]+ KiB +[0-9.]+ s/
assert log =~ /djddinvoker-site-red_\S+_all\.deb +built +[0-9.]+ KiB +[0-9.]+ s/

def run = { String... args ->
    def process = args.toList().execute()
    def out = new StringBuilder()
    process.waitForProcessOutput(out, System.err)
    assert process.exitValue() == 0
    out.toString()
}
def deb = { String name -> new File(djddBuildDir, 'packages/' + name).path }
def field = { String name, String f -> run('dpkg-deb', '--field', deb(name), f).trim() }
def file = { String name, String path -> run('sh', '-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xOf - "$2"', 'sh', deb(name), '.' + path) }

def envName = env.substring(0, env.indexOf('_'))
def srcName = src.substring(0, src.indexOf('_'))
assert field(blue[0], 'Depends') == "${envName}, ${srcName}, adduser, init-system-helpers (>= 1.54~), procps, postgresql, rabbitmq-server, memcached, nginx"
assert field(red[0], 'Depends') == "${envName}, ${srcName}, adduser, init-system-helpers (>= 1.54~), procps, postgresql, memcached, nginx"

def redContents = run('dpkg-deb', '--contents', deb(red[0]))
assert redContents.contains('./usr/lib/djddinvoker-site/red/static/notes/style.css')
assert redContents.contains('./usr/lib/systemd/system/djddinvoker-red.socket')
assert !redContents.contains('celery')
assert file(red[0], '/etc/nginx/sites-available/djddinvoker-red').contains('listen 8081;')
assert file(red[0], '/etc/nginx/sites-available/djddinvoker-red').contains('server_name red.example.com;')
assert file(red[0], '/etc/djddinvoker-site/red/env').contains('GREETING="hello from red"')
assert file(red[0], '/usr/lib/systemd/system/djddinvoker-red.service').contains('--workers 2 ')
assert file(blue[0], '/etc/nginx/sites-available/djddinvoker-blue').contains('server_name blue.djddinvoker.localhost;')
assert run('dpkg-deb', '--contents', deb(blue[0])).contains('./usr/lib/systemd/system/djddinvoker-blue-celery.service')

def data = ['ar', 't', deb(src)].execute().text
assert data.contains('data.tar.gz')
