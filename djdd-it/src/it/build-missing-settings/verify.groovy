def log = new File(basedir, 'build.log').text
assert log =~ /The settings module mysite.nosuch does not load in commit [0-9a-f]{12}: there is no such module; set <settings> \(or -Ddjdd.settings\) to the module of the project's settings, such as mysite.settings./
assert log.contains("ModuleNotFoundError: No module named 'mysite.nosuch'")
assert log.contains('--- Collectstatic djddinvoker-site-green ---')
assert !new File(djddBuildDir, 'packages').list().any { it.startsWith('djddinvoker-site-green') }
