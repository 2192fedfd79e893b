package io.seqguard.storage.sqlite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link StoreChild} in its own JVM, started with this test's class path. Its stdout goes to a
 * file (a pipe could lose the lines still in it when the process is killed); stderr to another.
 * Always {@link #close()} it: that kills the process (SIGKILL) if it is still running.
 */
final class ChildJvm implements AutoCloseable {
    private static final long WAIT_MILLIS = 120_000;

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ChildJvm(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static ChildJvm start(Path folder, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Dlogback.configurationFile=logback-child.xml");
        command.add(StoreChild.class.getName());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(folder, "child-", ".out");
        Path err = Files.createTempFile(folder, "child-", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new ChildJvm(process, out, err);
    }

    /** Waits until the child printed {@code READY}; fails with its stderr if it ends first. */
    void awaitReady() throws IOException, InterruptedException {
        awaitLines(line -> line.equals("READY"), 1);
    }

    /** Waits until at least {@code count} complete stdout lines match; returns all complete lines. */
    List<String> awaitLines(java.util.function.Predicate<String> match, int count) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (true) {
            List<String> lines = lines();
            if (lines.stream().filter(match).count() >= count) {
                return lines;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("child ended with status " + process.exitValue() + " before printing enough lines; stderr:\n"
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("child printed too few lines within " + WAIT_MILLIS + " ms; stderr:\n"
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            Thread.sleep(20);
        }
    }

    /** The complete lines the child printed so far (a line without its newline yet is left out). */
    List<String> lines() throws IOException {
        String text = Files.readString(stdout, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    }

    /** SIGKILL on Linux; waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
