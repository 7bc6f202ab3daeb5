package dev.arcfleet.facts.classify;

import dev.arcfleet.contracts.Mutability;

/** The OS families (docs/os-identities.md#families), each with the mutability its name alone implies. */
public enum OsFamily {
    TALOS("talos", Mutability.IMMUTABLE),
    FLATCAR("flatcar", Mutability.IMMUTABLE),
    KAIROS("kairos", Mutability.IMMUTABLE),
    BOTTLEROCKET("bottlerocket", Mutability.IMMUTABLE),
    FEDORA_COREOS("fedora-coreos", Mutability.IMMUTABLE),
    FEDORA_IOT("fedora-iot", Mutability.IMMUTABLE),
    RHCOS("rhcos", Mutability.IMMUTABLE),
    BOOTC("bootc", Mutability.IMMUTABLE),
    SLE_MICRO("sle-micro", Mutability.IMMUTABLE),
    OPENSUSE_MICROOS("opensuse-microos", Mutability.IMMUTABLE),
    UBUNTU_CORE("ubuntu-core", Mutability.IMMUTABLE),
    UBUNTU("ubuntu", Mutability.MUTABLE),
    DEBIAN("debian", Mutability.MUTABLE),
    RHEL("rhel", Mutability.MUTABLE),
    CENTOS("centos", Mutability.MUTABLE),
    ROCKY("rocky", Mutability.MUTABLE),
    ALMALINUX("almalinux", Mutability.MUTABLE),
    ORACLE("oracle", Mutability.MUTABLE),
    SLES("sles", Mutability.MUTABLE),
    AMAZON("amazon", Mutability.MUTABLE),
    AZURE_LINUX("azure-linux", Mutability.MUTABLE),
    WINDOWS("windows", Mutability.MUTABLE),
    UNKNOWN("unknown", Mutability.UNKNOWN);

    private final String id;
    private final Mutability mutability;

    OsFamily(String id, Mutability mutability) {
        this.id = id;
        this.mutability = mutability;
    }

    /** The family name as it appears in {@code OsIdentity.family} and on the wire. */
    public String id() {
        return id;
    }

    public Mutability mutability() {
        return mutability;
    }

    public boolean isImmutable() {
        return mutability == Mutability.IMMUTABLE;
    }
}
