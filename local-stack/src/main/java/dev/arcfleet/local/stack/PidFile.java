package dev.arcfleet.local.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pid file of a process the launcher started ({@code .local/pids/<name>.pid}). A recorded pid counts as ours only
 * while that process is alive and its command line still names one of the markers (the program it was started as), so
 * a pid reused by another program is never signalled.
 */
public final class PidFile {
    private final Path file;
    private final List<String> markers;

    public PidFile(Path file, String... markers) {
        if (markers.length == 0) {
            throw new IllegalArgumentException("a pid file needs a marker of its program");
        }
        this.file = file;
        this.markers = List.of(markers);
    }

    public Path file() {
        return file;
    }

    public void record(long pid) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, pid + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recorded pid, if that process is alive and is still the program it was started as. */
    public OptionalLong ours() {
        OptionalLong pid = recorded();
        if (pid.isEmpty()) {
            return pid;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid.getAsLong());
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return OptionalLong.empty();
        }
        String command = commandLine(pid.getAsLong()).orElse("");
        return markers.stream().anyMatch(command::contains) ? pid : OptionalLong.empty();
    }

    /**
     * Stops the recorded process if it is ours (SIGTERM, then SIGKILL after {@code grace}) and removes the file; the
     * pid it stopped, or empty when there was nothing of ours to stop.
     */
    public OptionalLong stop(Duration grace) {
        OptionalLong pid = ours();
        pid.ifPresent(p -> ProcessHandle.of(p).ifPresent(h -> terminate(h, grace)));
        clear();
        return pid;
    }

    public void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    OptionalLong recorded() {
        try {
            if (!Files.isRegularFile(file)) {
                return OptionalLong.empty();
            }
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.matches("[0-9]{1,10}") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, and SIGKILL if the process has not ended after {@code grace}; returns once it has ended. */
    static void terminate(ProcessHandle handle, Duration grace) {
        handle.destroy();
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            handle.destroyForcibly();
            handle.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The command line of a process: Linux's /proc/PID/cmdline, else what the JDK knows of it. */
    static Optional<String> commandLine(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                return Optional.of(new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).replace('\0', ' '));
            }
        } catch (IOException e) {
            // the process ended meanwhile
            return Optional.empty();
        }
        return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine());
    }
}
