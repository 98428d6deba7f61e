package io.github.djdd.core.publish;

import io.github.djdd.core.Console;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A publish in a JVM of its own that stops before the {@code step}th file it puts in place, says
 * so on its output and waits there to be killed; "done" when the publish has fewer steps.
 * Arguments: the repository folder, the secret key file (no passphrase), the step, the packages.
 */
final class PublishUntilStep {
    private static final ValidFor FORTNIGHT = new ValidFor(14);

    private PublishUntilStep() {}

    public static void main(String[] args) throws Exception {
        int step = Integer.parseInt(args[2]);
        List<Path> debs = Arrays.stream(args, 3, args.length).map(Path::of).toList();
        ReleaseSigner signer = ReleaseSigner.load(Path.of(args[1]), new char[0], Instant.now());
        int[] count = {0};
        FolderRepository.Interruption stop = target -> {
            if (++count[0] == step) {
                System.out.println("at " + target);
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        };
        new FolderRepository(Path.of(args[0]), "mysoftware", signer, FORTNIGHT, Console.NULL, Clock.systemUTC(), stop)
                .publish("trixie", debs, 5);
        System.out.println("done");
    }
}
