package io.github.djdd.core.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.Console;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildLockTest {
    @TempDir
    Path dir;

    @Test
    void secondHolderWaitsUntilTheFirstReleasesAndSaysSo() throws Exception {
        Path file = dir.resolve("root.lock");
        List<String> events = new CopyOnWriteArrayList<>();
        Console console = new Console() {
            @Override
            public void debug(String message) {}

            @Override
            public void info(String message) {
                events.add(message);
            }

            @Override
            public void warn(String message) {}
        };
        CountDownLatch acquired = new CountDownLatch(1);
        Thread other;
        try (BuildLock first = BuildLock.acquire(file, "the test", console)) {
            other = new Thread(() -> {
                try (BuildLock second = BuildLock.acquire(file, "the test", console)) {
                    events.add("second acquired");
                    acquired.countDown();
                } catch (Exception e) {
                    events.add("failed: " + e);
                }
            });
            other.start();
            assertThat(acquired.await(500, TimeUnit.MILLISECONDS)).isFalse();
            events.add("first released");
        }
        assertThat(acquired.await(10, TimeUnit.SECONDS)).isTrue();
        other.join();
        assertThat(events).containsSubsequence("first released", "second acquired");
        assertThat(events.get(0)).startsWith("Waiting for another build that holds the lock on the test");
    }

    @Test
    void holderMayTakeTheLockAgainAndKeepsItUntilTheOutermostRelease() throws Exception {
        Path file = dir.resolve("nested.lock");
        try (BuildLock outer = BuildLock.acquire(file, "outer", Console.NULL)) {
            try (BuildLock inner = BuildLock.acquire(file, "inner", Console.NULL)) {
                assertThat(lockedByAnotherProcess(file)).isTrue();
            }
            assertThat(lockedByAnotherProcess(file)).as("still held after the inner release").isTrue();
        }
        assertThat(lockedByAnotherProcess(file)).isFalse();
    }

    /** Whether another process finds the file locked. */
    private static boolean lockedByAnotherProcess(Path file) throws Exception {
        Process probe = new ProcessBuilder("python3", "-c",
                "import fcntl,sys\nf=open(sys.argv[1],'w')\ntry:\n fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\n"
                        + "except OSError:\n sys.exit(3)", file.toString()).start();
        return probe.waitFor() == 3;
    }

    @Test
    void lockIsHeldAgainstOtherProcessesAndDiesWithItsProcess() throws Exception {
        Path file = dir.resolve("other.lock");
        // Java file locks are POSIX record locks on Linux, like the lockf of this other process.
        Process holder = new ProcessBuilder("python3", "-c",
                "import fcntl,sys,time\nf=open(sys.argv[1],'w')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('held',flush=True)\ntime.sleep(60)",
                file.toString()).redirectErrorStream(true).start();
        assertThat(new String(holder.getInputStream().readNBytes(4))).isEqualTo("held");
        Thread waiter = new Thread(() -> {
            try (BuildLock lock = BuildLock.acquire(file, "the test", Console.NULL)) {
                // acquired
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        waiter.start();
        waiter.join(500);
        assertThat(waiter.isAlive()).as("waits while another process holds the lock").isTrue();
        holder.destroyForcibly().waitFor();
        waiter.join(10_000);
        assertThat(waiter.isAlive()).as("acquires once the holder is killed").isFalse();
    }
}
