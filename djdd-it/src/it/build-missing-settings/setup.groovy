// The example site as the upstream repository; the packages build-variants made stay.
evaluate(new File(itSource, 'example-upstream.groovy'))
true
