package dev.arcfleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** What Linux knows about a process the bench started or found: its peak resident set (VmHWM) and CPU time, from /proc. */
final class ProcessStats {
    private ProcessStats() {}

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

    /** CPU seconds (user and system) the process has used so far; 0 when it cannot be read. Assumes 100 ticks/s. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state is field 3 of stat(5), utime 14 and stime 15
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU seconds used so far by the processes {@code roots} and all their descendants (PostgreSQL's backends are
     * children of its postmaster), each counted once, with what their reaped children used.
     */
    static double treeCpuSeconds(Collection<Long> roots) {
        return treeCpuSeconds(roots, new HashSet<>());
    }

    /** As {@link #treeCpuSeconds(Collection)}, counting no process already in {@code seen} (which gains those counted). */
    static double treeCpuSeconds(Collection<Long> roots, Set<Long> seen) {
        Map<Long, List<Long>> children = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .forEach(name -> {
                        long pid = Long.parseLong(name);
                        long parent = parentOf(pid);
                        if (parent > 0) {
                            children.computeIfAbsent(parent, k -> new ArrayList<>())
                                    .add(pid);
                        }
                    });
        } catch (IOException e) {
            return 0;
        }
        Deque<Long> todo = new ArrayDeque<>(roots);
        double total = 0;
        while (!todo.isEmpty()) {
            long pid = todo.pop();
            if (seen.add(pid)) {
                total += cpuSecondsWithReapedChildren(pid);
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return total;
    }

    private static long parentOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double cpuSecondsWithReapedChildren(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime, stime, cutime, cstime: fields 14-17 of stat(5)
            long ticks = 0;
            for (int i = 11; i <= 14; i++) {
                ticks += Long.parseLong(fields[i]);
            }
            return ticks / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
