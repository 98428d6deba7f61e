// The same upstream repository as src-clone-then-fetch: a main and a release branch.
evaluate(new File(itSource, 'src-clone-then-fetch/setup.groovy'))
