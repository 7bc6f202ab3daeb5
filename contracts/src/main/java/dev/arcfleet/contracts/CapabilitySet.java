package dev.arcfleet.contracts;

import java.util.List;

public record CapabilitySet(List<Capability> provided, List<Capability> missing) {}
