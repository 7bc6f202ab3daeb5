package dev.arcfleet.contracts;

import java.util.List;

/** What the inventory concluded the host's OS is, and the facts that said so. */
public record OsIdentity(String family, String version, Mutability mutability, List<String> evidence) {}
