// The example site as the upstream repository; no earlier packages of this software.
evaluate(new File(itSource, 'example-upstream.groovy'))
new File(djddBuildDir, 'packages').listFiles()?.findAll { it.name.startsWith('djddinvoker-') }*.delete()
true
