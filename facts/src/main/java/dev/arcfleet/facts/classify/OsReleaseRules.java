package dev.arcfleet.facts.classify;

import dev.arcfleet.contracts.Mutability;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code /etc/os-release} alone says, strongest marker first: Kairos' own keys over the base distribution's
 * {@code ID}; {@code VARIANT_ID} over {@code ID} (Fedora CoreOS and RHCOS 10 say {@code ID=fedora} / {@code ID=rhel});
 * then {@code ID}; then the product names in {@code PRETTY_NAME} / {@code NAME}; last, an image-based relative named
 * in {@code ID_LIKE}. {@code ID_LIKE} never makes an unknown distribution count as a mutable one.
 */
final class OsReleaseRules {
    private static final Map<String, OsFamily> FAMILY_BY_ID = Map.ofEntries(
            Map.entry("talos", OsFamily.TALOS),
            Map.entry("flatcar", OsFamily.FLATCAR),
            Map.entry("coreos", OsFamily.FLATCAR),
            Map.entry("kairos", OsFamily.KAIROS),
            Map.entry("bottlerocket", OsFamily.BOTTLEROCKET),
            Map.entry("rhcos", OsFamily.RHCOS),
            Map.entry("scos", OsFamily.RHCOS),
            Map.entry("sle-micro", OsFamily.SLE_MICRO),
            Map.entry("sl-micro", OsFamily.SLE_MICRO),
            Map.entry("suse-microos", OsFamily.SLE_MICRO),
            Map.entry("opensuse-leap-micro", OsFamily.SLE_MICRO),
            Map.entry("opensuse-microos", OsFamily.OPENSUSE_MICROOS),
            Map.entry("microos", OsFamily.OPENSUSE_MICROOS),
            Map.entry("ubuntu-core", OsFamily.UBUNTU_CORE),
            Map.entry("ubuntu", OsFamily.UBUNTU),
            Map.entry("debian", OsFamily.DEBIAN),
            Map.entry("rhel", OsFamily.RHEL),
            Map.entry("centos", OsFamily.CENTOS),
            Map.entry("rocky", OsFamily.ROCKY),
            Map.entry("almalinux", OsFamily.ALMALINUX),
            Map.entry("ol", OsFamily.ORACLE),
            Map.entry("sles", OsFamily.SLES),
            Map.entry("sles_sap", OsFamily.SLES),
            Map.entry("amzn", OsFamily.AMAZON),
            Map.entry("azurelinux", OsFamily.AZURE_LINUX),
            Map.entry("mariner", OsFamily.AZURE_LINUX));

    /** Why an ID maps to a family its name does not spell out. */
    private static final Map<String, String> ID_NOTES = Map.of(
            "coreos", "CoreOS Container Linux, continued as Flatcar",
            "scos", "CentOS Stream CoreOS, the upstream of RHCOS",
            "suse-microos", "SLE Micro 5.0/5.1",
            "sl-micro", "SUSE Linux Micro 6",
            "opensuse-leap-micro", "openSUSE Leap Micro, the community build of SLE Micro",
            "mariner", "CBL-Mariner, the former name of Azure Linux");

    private static final Set<String> RED_HAT_IDS = Set.of("rhel", "rhcos", "scos", "centos");
    private static final Set<String> FEDORA_ATOMIC_DESKTOPS = Set.of("silverblue", "kinoite", "sericea", "onyx");

    private OsReleaseRules() {}

    static Optional<Finding> identify(OsReleaseFacts release) {
        return kairos(release)
                .or(() -> variant(release))
                .or(() -> byId(release))
                .or(() -> byName(release, "PRETTY_NAME"))
                .or(() -> byName(release, "NAME"))
                .or(() -> byImageBasedRelative(release));
    }

    private static Optional<Finding> kairos(OsReleaseFacts release) {
        return release.kairosMarker()
                .map(marker -> Finding.of(
                        OsFamily.KAIROS,
                        release.id() == null
                                ? "os-release " + marker
                                : "os-release " + marker + " over base ID=" + release.id()));
    }

    private static Optional<Finding> variant(OsReleaseFacts release) {
        String id = release.id();
        String variant = release.variantId();
        if (variant == null) {
            return Optional.empty();
        }
        String evidence = "os-release " + (id == null ? "" : "ID=" + id + " ") + "VARIANT_ID=" + variant;
        if (variant.equals("coreos")) {
            return Optional.of(coreOsStyle(release, evidence));
        }
        if (variant.equals("snappy")) {
            return Optional.of(Finding.of(OsFamily.UBUNTU_CORE, evidence));
        }
        if ("fedora".equals(id) && variant.equals("iot")) {
            return Optional.of(Finding.of(OsFamily.FEDORA_IOT, evidence));
        }
        if ("fedora".equals(id) && (FEDORA_ATOMIC_DESKTOPS.contains(variant) || variant.endsWith("-atomic"))) {
            return Optional.of(Finding.of(OsFamily.BOOTC, evidence + " (a Fedora Atomic image-based desktop)"));
        }
        return Optional.empty();
    }

    /** {@code VARIANT_ID=coreos} marks an image-based host whatever the ID; the family is the closest relative. */
    private static Finding coreOsStyle(OsReleaseFacts release, String evidence) {
        String id = release.id();
        if ("fedora".equals(id)) {
            return Finding.of(OsFamily.FEDORA_COREOS, evidence);
        }
        if (id != null && RED_HAT_IDS.contains(id) || release.idLike().stream().anyMatch(RED_HAT_IDS::contains)) {
            return Finding.of(OsFamily.RHCOS, evidence);
        }
        if (release.idLike().contains("fedora")) {
            return Finding.of(OsFamily.FEDORA_COREOS, evidence);
        }
        return new Finding(
                OsFamily.UNKNOWN,
                Mutability.IMMUTABLE,
                evidence + ": a CoreOS-style image-based host of no known family");
    }

    private static Optional<Finding> byId(OsReleaseFacts release) {
        String id = release.id();
        if (id == null || !FAMILY_BY_ID.containsKey(id)) {
            return Optional.empty();
        }
        String note = ID_NOTES.get(id);
        String evidence = "os-release ID=" + id + (note == null ? "" : " (" + note + ")");
        return Optional.of(Finding.of(FAMILY_BY_ID.get(id), evidence));
    }

    private static Optional<Finding> byName(OsReleaseFacts release, String key) {
        return release.value(key)
                .flatMap(name -> ProductNames.familyOf(name)
                        .map(family -> Finding.of(family, "os-release " + key + " \"" + name + "\"")));
    }

    private static Optional<Finding> byImageBasedRelative(OsReleaseFacts release) {
        return release.idLike().stream()
                .filter(token -> FAMILY_BY_ID.containsKey(token)
                        && FAMILY_BY_ID.get(token).isImmutable())
                .findFirst()
                .map(token -> Finding.of(
                        FAMILY_BY_ID.get(token),
                        "os-release ID_LIKE names " + token
                                + (release.id() == null ? "" : " (ID=" + release.id() + " is no known family)")));
    }
}
