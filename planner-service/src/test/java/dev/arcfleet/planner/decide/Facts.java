package dev.arcfleet.planner.decide;

import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.ClusterRef;
import dev.arcfleet.contracts.DeviceClass;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.HostFacts;
import dev.arcfleet.contracts.Mutability;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.OsIdentity;
import dev.arcfleet.contracts.Virtualization;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Realistic node facts for planner tests, as the inventory would publish them. */
public final class Facts {
    String nodeId = "node-1";
    String site = "ghent";
    DeviceClass deviceClass = DeviceClass.SERVER;
    Map<String, String> osRelease;
    String osImage;
    String kernel;
    OsIdentity os;
    HostFacts host = new HostFacts("amd64", 8, 16384L, null, null, null);
    ClusterRef cluster;
    Virtualization virtualization = new Virtualization(false, false, false);
    List<Capability> capabilities = List.of();
    Map<String, String> labels = Map.of();

    public static Facts talos() {
        Facts f = new Facts();
        f.osRelease = Map.of("NAME", "Talos", "ID", "talos", "VERSION_ID", "v1.8.2", "PRETTY_NAME", "Talos (v1.8.2)");
        f.osImage = "Talos (v1.8.2)";
        f.kernel = "6.6.58-talos";
        f.os = new OsIdentity("talos", "v1.8.2", Mutability.IMMUTABLE, List.of("os-release ID=talos"));
        f.host = new HostFacts("amd64", 8, 16384L, true, false, "none");
        return f;
    }

    public static Facts flatcar() {
        Facts f = new Facts();
        f.osRelease = Map.of(
                "ID",
                "flatcar",
                "VERSION_ID",
                "4081.2.0",
                "PRETTY_NAME",
                "Flatcar Container Linux by Kinvolk 4081.2.0 (Oklo)");
        f.osImage = "Flatcar Container Linux by Kinvolk 4081.2.0 (Oklo)";
        f.kernel = "6.6.60-flatcar";
        f.os = new OsIdentity("flatcar", "4081.2.0", Mutability.IMMUTABLE, List.of("os-release ID=flatcar"));
        f.host = new HostFacts("amd64", 8, 16384L, true, false, "none");
        return f;
    }

    public static Facts kairos() {
        Facts f = new Facts();
        f.osRelease = Map.of("ID", "kairos", "KAIROS_FLAVOR", "alpine", "VERSION_ID", "v3.2.1");
        f.osImage = "Alpine Linux v3.19 (Kairos v3.2.1)";
        f.kernel = "6.6.58-0-lts";
        f.os = new OsIdentity("kairos", "v3.2.1", Mutability.IMMUTABLE, List.of("os-release ID=kairos"));
        f.host = new HostFacts("arm64", 4, 8192L, true, false, "none");
        return f;
    }

    public static Facts bootc() {
        Facts f = new Facts();
        f.osRelease = Map.of("ID", "rhel", "VERSION_ID", "9.4", "PRETTY_NAME", "Red Hat Enterprise Linux 9.4 (Plow)");
        f.osImage = "Red Hat Enterprise Linux 9.4 (Plow)";
        f.kernel = "5.14.0-427.13.1.el9_4.x86_64";
        f.os = new OsIdentity(
                "bootc", "9.4", Mutability.IMMUTABLE, List.of("host ostreeBooted=true", "os-release ID=rhel"));
        f.host = new HostFacts("x86_64", 8, 16384L, false, true, "dnf");
        return f;
    }

    public static Facts fedoraIot() {
        Facts f = new Facts();
        f.osRelease = Map.of("ID", "fedora", "VARIANT_ID", "iot", "VERSION_ID", "41");
        f.osImage = "Fedora Linux 41 (IoT Edition)";
        f.kernel = "6.11.4-301.fc41.x86_64";
        f.os = new OsIdentity("fedora-iot", "41", Mutability.IMMUTABLE, List.of("os-release VARIANT_ID=iot"));
        f.host = new HostFacts("x86_64", 4, 8192L, false, true, "rpm-ostree");
        return f;
    }

    public static Facts bottlerocket() {
        Facts f = new Facts();
        f.osRelease = Map.of("ID", "bottlerocket", "VERSION_ID", "1.26.1");
        f.osImage = "Bottlerocket OS 1.26.1 (aws-k8s-1.31)";
        f.kernel = "6.1.112";
        f.os = new OsIdentity("bottlerocket", "1.26.1", Mutability.IMMUTABLE, List.of("os-release ID=bottlerocket"));
        f.host = new HostFacts("amd64", 2, 4096L, true, false, "none");
        return f;
    }

    public static Facts ubuntu() {
        Facts f = new Facts();
        f.osRelease = Map.of("ID", "ubuntu", "VERSION_ID", "22.04", "PRETTY_NAME", "Ubuntu 22.04.5 LTS");
        f.osImage = "Ubuntu 22.04.5 LTS";
        f.kernel = "5.15.0-126-generic";
        f.os = new OsIdentity("ubuntu", "22.04", Mutability.MUTABLE, List.of("os-release ID=ubuntu"));
        f.host = new HostFacts("amd64", 8, 16384L, false, false, "apt");
        return f;
    }

    public static Facts unknown() {
        Facts f = new Facts();
        f.osRelease = null;
        f.osImage = "Custom Build 7";
        f.kernel = "5.10.0";
        f.os = new OsIdentity("unknown", null, Mutability.UNKNOWN, List.of("no os-release; osImage not recognised"));
        f.host = new HostFacts(null, null, null, null, null, null);
        return f;
    }

    public Facts id(String id) {
        nodeId = id;
        return this;
    }

    public Facts site(String s) {
        site = s;
        return this;
    }

    public Facts deviceClass(DeviceClass c) {
        deviceClass = c;
        return this;
    }

    public Facts cluster(String id, String distribution) {
        cluster = new ClusterRef(id, distribution);
        return this;
    }

    public Facts host(String arch, Integer cores, Long memoryMiB) {
        host = new HostFacts(
                arch,
                cores,
                memoryMiB,
                host == null ? null : host.readOnlyUsr(),
                host == null ? null : host.ostreeBooted(),
                host == null ? null : host.packageManager());
        return this;
    }

    public Facts noHost() {
        host = null;
        return this;
    }

    public Facts kubevirt() {
        virtualization = new Virtualization(true, false, false);
        return this;
    }

    public Facts talosVm() {
        virtualization = new Virtualization(false, true, false);
        return this;
    }

    public Facts firecracker() {
        virtualization = new Virtualization(false, false, true);
        return this;
    }

    public Facts requires(Capability... c) {
        capabilities = List.of(c);
        return this;
    }

    public Facts labels(Map<String, String> l) {
        labels = l;
        return this;
    }

    public NodeFacts build() {
        return new NodeFacts(
                "evt-" + nodeId,
                "corr-" + nodeId,
                Instant.parse("2026-11-23T10:00:00Z"),
                nodeId,
                nodeId,
                site,
                deviceClass,
                osRelease,
                osImage,
                kernel,
                host,
                cluster,
                virtualization,
                capabilities,
                labels,
                FactsSource.REGISTRATION,
                Instant.parse("2026-11-23T10:00:00Z"),
                os,
                "hash-" + nodeId);
    }
}
