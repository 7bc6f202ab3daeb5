package dev.arcfleet.contracts;

/** Host probes as a node reports them; any field may be absent (null), and absence never blocks a route. */
public record HostFacts(
        String architecture,
        Integer cpuCores,
        Long memoryMiB,
        Boolean readOnlyUsr,
        Boolean ostreeBooted,
        String packageManager) {}
