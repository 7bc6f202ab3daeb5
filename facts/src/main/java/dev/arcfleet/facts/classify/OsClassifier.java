package dev.arcfleet.facts.classify;

import dev.arcfleet.contracts.HostFacts;
import dev.arcfleet.contracts.Mutability;
import dev.arcfleet.contracts.OsIdentity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides a node's OS family, version and mutability from what it reports (docs/os-identities.md).
 *
 * <p>Sources, strongest first: {@code /etc/os-release} (see {@link OsReleaseRules}; callers may merge Kairos'
 * {@code /etc/kairos-release} into it), then the Kubernetes {@code osImage}, then the {@code kernelVersion}, used only
 * when nothing else identifies the host. Host probes come last and override names: {@code ostreeBooted} or
 * {@code readOnlyUsr} true makes a mutable-named host immutable; on a RHEL, CentOS or Fedora lineage that is image
 * mode, family {@code bootc}. An OS that is not identified is never taken for mutable.
 *
 * <p>{@code version} is the identifying source's own: os-release {@code VERSION_ID}, else the version in
 * {@code PRETTY_NAME} or {@code osImage}, else null. Kairos reports {@code KAIROS_RELEASE} (or {@code KAIROS_VERSION})
 * instead, since all the others describe its base distribution. A kernel hint gives no version.
 */
public class OsClassifier {
    private static final String UNKNOWN_OS_IMAGE = "Unknown";
    private static final Set<OsFamily> RED_HAT_LINEAGE = EnumSet.of(
            OsFamily.RHEL, OsFamily.CENTOS, OsFamily.ROCKY, OsFamily.ALMALINUX, OsFamily.ORACLE, OsFamily.AMAZON);
    private static final Set<String> RED_HAT_LINEAGE_IDS = Set.of("rhel", "centos", "fedora");

    private enum Source {
        OS_RELEASE,
        OS_IMAGE,
        KERNEL,
        NONE
    }

    private record Identification(Finding finding, Source source) {}

    public OsIdentity classify(Map<String, String> osRelease, String osImage, String kernelVersion, HostFacts host) {
        OsReleaseFacts release = OsReleaseFacts.of(osRelease);
        String image = blankToNull(osImage);
        String kernel = blankToNull(kernelVersion);

        Identification identification = identify(release, image, kernel);
        List<String> evidence = new ArrayList<>();
        Finding finding = identification.finding();
        if (finding != null) {
            evidence.add(finding.evidence());
        }
        OsFamily family = finding == null ? OsFamily.UNKNOWN : finding.family();
        Mutability mutability = finding == null ? Mutability.UNKNOWN : finding.mutability();

        String probe = imageBasedProbe(host, evidence);
        if (probe != null && mutability != Mutability.IMMUTABLE) {
            if (isRedHatLineage(family, release)) {
                evidence.add(probe + " on a " + baseName(family, release) + " base: image mode (bootc)");
                family = OsFamily.BOOTC;
            } else if (family == OsFamily.UNKNOWN) {
                evidence.add(probe + ": image-based, though the OS is not identified");
            } else {
                evidence.add(probe + ": " + family.id() + " runs image-based here, so it is immutable");
            }
            mutability = Mutability.IMMUTABLE;
        }
        if (family == OsFamily.UNKNOWN) {
            evidence.addAll(whyUnidentified(release, image, kernel));
        }
        return new OsIdentity(
                family.id(),
                version(identification.source(), family, release, image),
                mutability,
                List.copyOf(evidence));
    }

    private static Identification identify(OsReleaseFacts release, String image, String kernel) {
        return OsReleaseRules.identify(release)
                .map(f -> new Identification(f, Source.OS_RELEASE))
                .or(() -> meaningful(image)
                        .flatMap(ProductNames::familyOf)
                        .map(f -> new Identification(Finding.of(f, "osImage \"" + image + "\""), Source.OS_IMAGE)))
                .or(() -> KernelHints.familyOf(kernel)
                        .map(f -> new Identification(Finding.of(f, "kernelVersion " + kernel), Source.KERNEL)))
                .orElse(new Identification(null, Source.NONE));
    }

    /** Names the true probe that marks an image-based host, adding every true probe to the evidence. */
    private static String imageBasedProbe(HostFacts host, List<String> evidence) {
        if (host == null) {
            return null;
        }
        String probe = null;
        if (Boolean.TRUE.equals(host.ostreeBooted())) {
            evidence.add("host probe ostreeBooted=true");
            probe = "ostreeBooted=true";
        }
        if (Boolean.TRUE.equals(host.readOnlyUsr())) {
            evidence.add("host probe readOnlyUsr=true");
            probe = probe == null ? "readOnlyUsr=true" : probe;
        }
        return probe;
    }

    private static boolean isRedHatLineage(OsFamily family, OsReleaseFacts release) {
        if (RED_HAT_LINEAGE.contains(family)) {
            return true;
        }
        return family == OsFamily.UNKNOWN
                && (release.id() != null && RED_HAT_LINEAGE_IDS.contains(release.id())
                        || release.idLike().stream().anyMatch(RED_HAT_LINEAGE_IDS::contains));
    }

    private static String baseName(OsFamily family, OsReleaseFacts release) {
        return release.id() != null ? release.id() : family.id();
    }

    private static String version(Source source, OsFamily family, OsReleaseFacts release, String image) {
        Supplier<Optional<String>> fromImage = () -> meaningful(image).flatMap(VersionText::in);
        Optional<String> version = switch (source) {
            case OS_RELEASE, NONE ->
                family == OsFamily.KAIROS
                        ? kairosVersion(release)
                        : release.value("VERSION_ID")
                                .or(() -> release.value("PRETTY_NAME").flatMap(VersionText::in))
                                .or(fromImage);
            case OS_IMAGE -> fromImage.get();
            case KERNEL -> Optional.empty();
        };
        return version.orElse(null);
    }

    /** Kairos' own release; its {@code VERSION_ID}, {@code PRETTY_NAME} and {@code osImage} are its base's. */
    private static Optional<String> kairosVersion(OsReleaseFacts release) {
        return release.value("KAIROS_RELEASE").or(() -> release.value("KAIROS_VERSION"));
    }

    private static List<String> whyUnidentified(OsReleaseFacts release, String image, String kernel) {
        List<String> notes = new ArrayList<>();
        if (release.isEmpty()) {
            notes.add("no os-release");
        } else {
            notes.add(
                    release.id() == null
                            ? "os-release has no ID and names no known OS"
                            : "os-release ID=" + release.id() + " is no known family");
        }
        if (image == null) {
            notes.add("no osImage");
        } else {
            notes.add(
                    meaningful(image).isEmpty()
                            ? "osImage \"" + image + "\" names no OS"
                            : "osImage \"" + image + "\" names no known family");
        }
        if (kernel != null) {
            notes.add("kernelVersion " + kernel + " hints at no image-based family");
        }
        return notes;
    }

    private static Optional<String> meaningful(String image) {
        return Optional.ofNullable(image).filter(i -> !i.equalsIgnoreCase(UNKNOWN_OS_IMAGE));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
