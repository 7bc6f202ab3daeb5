package dev.arcfleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What Linux knows about a process the bench started or found: its peak resident set (VmHWM), from /proc. */
final class ProcessStats {
    private ProcessStats() {
    }

    /** Peak resident set size of the process in MiB since it started; 0 when it cannot be read. */
    static long peakRssMib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
