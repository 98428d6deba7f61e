// The example site as the upstream repository; no earlier packages or clone of this software.
evaluate(new File(itSource, 'example-upstream.groovy'))
new File(djddBuildDir, 'users/djddit-agent/packages').listFiles()?.findAll { it.name.startsWith('djddagent-') }*.delete()
new File(djddBuildDir, 'users/djddit-agent/sources/djddagent').deleteDir()
true
