// The same upstream repository as src-clone-then-fetch: a main and a release branch.
evaluate(new File(basedir, '../src-clone-then-fetch/setup.groovy'))
