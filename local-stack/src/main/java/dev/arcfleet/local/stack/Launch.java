package dev.arcfleet.local.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * How the launcher starts a JVM: {@code java} of the running JDK, output appended to a log file, no input; a detached
 * process (one that outlives {@code bin/fleet-local}) gets its own session through {@code setsid} when it is there,
 * so closing the terminal does not hang it up.
 */
public final class Launch {
    private Launch() {}

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** local-stack's own classpath under a checkout: its jar and {@code target/lib/*}. */
    public static String localStackClasspath(Path root) {
        return root.resolve("local-stack/target/local-stack-0.1.0-SNAPSHOT.jar") + File.pathSeparator
                + root.resolve("local-stack/target/lib") + File.separator + "*";
    }

    public static Process start(List<String> command, Map<String, String> env, Path log, boolean detached) {
        List<String> full = new ArrayList<>();
        if (detached && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            full.add("/usr/bin/setsid");
        }
        full.addAll(command);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(env);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A port nothing listens on now, for a process started next. It is drawn at random below Linux's default range of
     * ephemeral ports (32768-60999): a port the kernel just handed out and took back (a {@code ServerSocket(0)}) can be
     * given to one of the many outgoing Kafka and database connections before the child process binds it, which
     * showed as "Port ... seems to be in use" on a busy machine. Falls back to the kernel's choice.
     */
    public static int freePort() {
        var random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = random.nextInt(LOW_PORTS_FROM, LOW_PORTS_TO);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final int LOW_PORTS_FROM = 20000;
    private static final int LOW_PORTS_TO = 32000;

    /**
     * Waits until {@code ready} holds, checking every 200 ms; fails when the process ends first or the time is up,
     * naming {@code what} and its log (with its last lines).
     */
    public static void await(String what, ProcessHandle process, BooleanSupplier ready, Duration timeout, Path log) {
        Instant deadline = Instant.now().plus(timeout);
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new StackException(what + " exited before it was ready (log: " + log + ")" + tail(log));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new StackException(
                        what + " was not ready within " + timeout.toSeconds() + " s (log: " + log + ")" + tail(log));
            }
            try {
                process.onExit().get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still running: check again
            } catch (ExecutionException e) {
                throw new StackException("cannot follow " + what, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting for " + what);
            }
        }
    }

    /** The last 40 lines of a log, to show with a failure. */
    static String tail(Path log) {
        try {
            if (!Files.isRegularFile(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return "\n---- last lines of " + log + " ----\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n----";
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }
}
