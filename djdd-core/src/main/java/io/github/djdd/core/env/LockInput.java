package io.github.djdd.core.env;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.checkout.Checkout;
import java.nio.file.Files;
import java.util.List;

/**
 * Where an env's distributions come from: a lock file, which names every distribution and the
 * hashes of its files, or {@code requirements.txt}, which pip resolves. Whichever the project has,
 * in this order: {@code pylock.toml} (PEP 751), {@code uv.lock}, {@code poetry.lock},
 * {@code requirements.txt}; {@code <pip><lockFile>} names one explicitly.
 *
 * @param file the file in the project folder
 */
public record LockInput(String file) {
    /** The lock files djdd reads, in the order it prefers them. */
    static final List<String> LOCKS = List.of("pylock.toml", "uv.lock", "poetry.lock");
    static final String REQUIREMENTS = "requirements.txt";

    /** Whether pip resolves the input ({@code requirements.txt}) rather than djdd reading a lock. */
    public boolean requirements() {
        return !isLock(file);
    }

    private static boolean isLock(String name) {
        return name.equals("uv.lock") || name.equals("poetry.lock") || name.matches("pylock(\\.[^/]+)?\\.toml");
    }

    /**
     * The project's input.
     *
     * @param lock {@code <pip>}'s lock settings: the file, if named, and the groups, extras and
     *     {@code <installProject>}, which only a lock file takes
     * @throws BuildFailedException when the named file is missing or of no kind djdd reads, when
     *     two lock files are there and none is chosen, when groups, extras or the project are asked
     *     of a requirements file, or when there is neither a lock nor {@code requirements.txt}
     */
    static LockInput of(Checkout checkout, PipOptions.Lock lock) throws BuildFailedException {
        LockInput input = find(checkout, lock.file());
        if (input.requirements() && (!lock.groups().isEmpty() || !lock.extras().isEmpty() || lock.installProject())) {
            String setting = !lock.groups().isEmpty() ? "<groups>" : !lock.extras().isEmpty() ? "<extras>"
                    : "<installProject>";
            throw new BuildFailedException("<pip>" + setting + " applies to a lock file (pylock.toml, uv.lock,"
                    + " poetry.lock), and the project builds from " + checkout.shown(input.file()) + ": list what"
                    + " it should install there (the project itself as a line '.'), or remove " + setting + ".");
        }
        return input;
    }

    private static LockInput find(Checkout checkout, java.util.Optional<String> named) throws BuildFailedException {
        if (named.isPresent()) {
            String name = named.get();
            if (!isLock(name) && !name.endsWith(".txt")) {
                throw new BuildFailedException("<pip><lockFile> " + name + " is no file djdd reads: name pylock.toml"
                        + " (or pylock.NAME.toml), uv.lock, poetry.lock or a requirements file (.txt) of the project"
                        + " folder.");
            }
            if (!Files.isRegularFile(checkout.file(name))) {
                throw new BuildFailedException("The project has no " + checkout.shown(name) + ", which <pip><lockFile>"
                        + " names: commit it, or fix <pip><lockFile>.");
            }
            return new LockInput(name);
        }
        List<String> present = LOCKS.stream().filter(name -> Files.isRegularFile(checkout.file(name))).toList();
        if (present.size() > 1) {
            throw new BuildFailedException("The project has " + String.join(" and ", present.stream()
                    .map(checkout::shown).toList()) + ", and djdd builds from one lock: set <pip><lockFile> to the one"
                    + " the servers should get, or remove the other.");
        }
        return new LockInput(present.isEmpty() ? REQUIREMENTS : present.get(0));
    }

    /** The file djdd builds the env from when {@code <lockFile>} names none: the first lock there, else requirements.txt. */
    public static String found(Checkout checkout) {
        return LOCKS.stream().filter(name -> Files.isRegularFile(checkout.file(name))).findFirst().orElse(REQUIREMENTS);
    }

    /** Whether the project folder holds any input djdd builds an env from. */
    public static boolean present(Checkout checkout) {
        return Files.isRegularFile(checkout.file(REQUIREMENTS))
                || LOCKS.stream().anyMatch(name -> Files.isRegularFile(checkout.file(name)));
    }
}
