package dev.arcfleet.facts.classify;

import static dev.arcfleet.contracts.Mutability.IMMUTABLE;
import static dev.arcfleet.contracts.Mutability.MUTABLE;
import static dev.arcfleet.contracts.Mutability.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.arcfleet.contracts.HostFacts;
import dev.arcfleet.contracts.Mutability;
import dev.arcfleet.contracts.OsIdentity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OsClassifierTest {
    private static final String RHEL_9_4 = """
            NAME="Red Hat Enterprise Linux"
            VERSION="9.4 (Plow)"
            ID="rhel"
            ID_LIKE="fedora"
            VERSION_ID="9.4"
            PLATFORM_ID="platform:el9"
            PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"
            """;
    private static final String UBUNTU_22_04 = """
            PRETTY_NAME="Ubuntu 22.04.4 LTS"
            NAME="Ubuntu"
            VERSION_ID="22.04"
            VERSION="22.04.4 LTS (Jammy Jellyfish)"
            ID=ubuntu
            ID_LIKE=debian
            """;
    private static final HostFacts OSTREE_BOOTED = probes(null, true);
    private static final HostFacts READ_ONLY_USR = probes(true, null);

    private final OsClassifier classifier = new OsClassifier();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.arcfleet.facts.classify.RealWorldOsReports#osReleaseForms")
    void classifiesRealOsReleaseFiles(
            String label, String osRelease, String family, String version, Mutability mutability, String evidence) {
        OsIdentity os = classifier.classify(OsReleaseText.parse(osRelease), null, null, null);

        assertThat(os.family()).isEqualTo(family);
        assertThat(os.version()).isEqualTo(version);
        assertThat(os.mutability()).isEqualTo(mutability);
        assertThat(os.evidence().get(0)).contains(evidence);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.arcfleet.facts.classify.RealWorldOsReports#osImageForms")
    void classifiesRealKubernetesOsImages(
            String osImage, String kernelVersion, String family, String version, Mutability mutability) {
        OsIdentity os = classifier.classify(null, osImage, kernelVersion, null);

        assertThat(os.family()).isEqualTo(family);
        assertThat(os.version()).isEqualTo(version);
        assertThat(os.mutability()).isEqualTo(mutability);
        assertThat(os.evidence()).containsExactly("osImage \"" + osImage + "\"");
    }

    @Test
    void rhelBootedFromOstreeIsBootcImageMode() {
        OsIdentity os = classifier.classify(
                OsReleaseText.parse(RHEL_9_4),
                "Red Hat Enterprise Linux 9.4 (Plow)",
                "5.14.0-427.13.1.el9_4.x86_64",
                OSTREE_BOOTED);

        assertThat(os)
                .isEqualTo(new OsIdentity(
                        "bootc",
                        "9.4",
                        IMMUTABLE,
                        List.of(
                                "os-release ID=rhel",
                                "host probe ostreeBooted=true",
                                "ostreeBooted=true on a rhel base: image mode (bootc)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void redHatLineageWithAnImageProbeIsBootc(
            String label, Map<String, String> osRelease, String osImage, HostFacts host) {
        OsIdentity os = classifier.classify(osRelease, osImage, null, host);

        assertThat(os.family()).isEqualTo("bootc");
        assertThat(os.mutability()).isEqualTo(IMMUTABLE);
        assertThat(os.evidence()).anyMatch(e -> e.endsWith("image mode (bootc)"));
    }

    static Stream<Arguments> redHatLineageWithAnImageProbeIsBootc() {
        return Stream.of(
                Arguments.of("centos stream 9, ostree-booted", OsReleaseText.parse("""
                        NAME="CentOS Stream"
                        ID="centos"
                        ID_LIKE="rhel fedora"
                        VERSION_ID="9"
                        PRETTY_NAME="CentOS Stream 9"
                        """), null, OSTREE_BOOTED),
                Arguments.of("fedora 40 bootc, ostree-booted", OsReleaseText.parse("""
                        NAME="Fedora Linux"
                        VERSION="40 (Forty)"
                        ID=fedora
                        VERSION_ID=40
                        PRETTY_NAME="Fedora Linux 40 (Forty)"
                        """), null, OSTREE_BOOTED),
                Arguments.of("rhel with read-only /usr", OsReleaseText.parse(RHEL_9_4), null, READ_ONLY_USR),
                Arguments.of("almalinux with read-only /usr", OsReleaseText.parse("""
                        NAME="AlmaLinux"
                        ID="almalinux"
                        ID_LIKE="rhel centos fedora"
                        VERSION_ID="9.4"
                        """), null, READ_ONLY_USR),
                Arguments.of(
                        "rhel osImage only, ostree-booted",
                        null,
                        "Red Hat Enterprise Linux 9.4 (Plow)",
                        OSTREE_BOOTED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void imageBasedFamiliesKeepTheirNameWhenOstreeBooted(String label, String osRelease, String family) {
        OsIdentity os = classifier.classify(OsReleaseText.parse(osRelease), null, null, probes(true, true));

        assertThat(os.family()).isEqualTo(family);
        assertThat(os.mutability()).isEqualTo(IMMUTABLE);
        assertThat(os.evidence()).contains("host probe ostreeBooted=true", "host probe readOnlyUsr=true");
    }

    static Stream<Arguments> imageBasedFamiliesKeepTheirNameWhenOstreeBooted() {
        return Stream.of(
                Arguments.of("fedora coreos", "ID=fedora\nVARIANT_ID=coreos\nVERSION_ID=40", "fedora-coreos"),
                Arguments.of("fedora iot", "ID=fedora\nVARIANT_ID=iot\nVERSION_ID=40", "fedora-iot"),
                Arguments.of("rhcos", "ID=\"rhcos\"\nID_LIKE=\"rhel fedora\"\nVARIANT_ID=coreos", "rhcos"),
                Arguments.of("rhcos 10", "ID=\"rhel\"\nVARIANT_ID=coreos\nVERSION_ID=\"10.1\"", "rhcos"));
    }

    @Test
    void mutableNamedHostWithReadOnlyUsrKeepsItsFamilyButIsImmutable() {
        OsIdentity os =
                classifier.classify(OsReleaseText.parse(UBUNTU_22_04), "Ubuntu 22.04.4 LTS", null, READ_ONLY_USR);

        assertThat(os.family()).isEqualTo("ubuntu");
        assertThat(os.version()).isEqualTo("22.04");
        assertThat(os.mutability()).isEqualTo(IMMUTABLE);
        assertThat(os.evidence())
                .containsExactly(
                        "os-release ID=ubuntu",
                        "host probe readOnlyUsr=true",
                        "readOnlyUsr=true: ubuntu runs image-based here, so it is immutable");
    }

    @Test
    void kairosSeenOnlyThroughItsBaseOsImageBecomesImmutableByProbe() {
        OsIdentity os = classifier.classify(null, "Ubuntu 24.04.1 LTS", null, READ_ONLY_USR);

        assertThat(os.family()).isEqualTo("ubuntu");
        assertThat(os.mutability()).isEqualTo(IMMUTABLE);
    }

    @Test
    void probesThatSayWritableChangeNothing() {
        OsIdentity os = classifier.classify(OsReleaseText.parse(RHEL_9_4), null, null, probes(false, false));

        assertThat(os).isEqualTo(new OsIdentity("rhel", "9.4", MUTABLE, List.of("os-release ID=rhel")));
    }

    @Test
    void absentProbesChangeNothing() {
        OsIdentity os = classifier.classify(OsReleaseText.parse(RHEL_9_4), null, null, probes(null, null));

        assertThat(os.family()).isEqualTo("rhel");
        assertThat(os.mutability()).isEqualTo(MUTABLE);
    }

    @Test
    void unidentifiedOstreeHostIsImmutableButStaysUnknown() {
        OsIdentity os = classifier.classify(Map.of("ID", "endless", "VERSION_ID", "6.0.3"), null, null, OSTREE_BOOTED);

        assertThat(os.family()).isEqualTo("unknown");
        assertThat(os.mutability()).isEqualTo(IMMUTABLE);
        assertThat(os.evidence()).contains("host probe ostreeBooted=true", "os-release ID=endless is no known family");
    }

    @Test
    void probesAloneMarkAnUnreportedOsImmutable() {
        OsIdentity os = classifier.classify(null, null, null, OSTREE_BOOTED);

        assertThat(os)
                .isEqualTo(new OsIdentity(
                        "unknown",
                        null,
                        IMMUTABLE,
                        List.of(
                                "host probe ostreeBooted=true",
                                "ostreeBooted=true: image-based, though the OS is not identified",
                                "no os-release",
                                "no osImage")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "ID=flatcar",
                "ID=\"flatcar\"",
                "ID='flatcar'",
                "ID= \"flatcar\" ",
                " id = flatcar",
                "Id=\"Flatcar\"",
                "ID=\"flatcar"
            })
    void readsIdWhateverItsQuotingSpacingAndCase(String line) {
        Map<String, String> osRelease = OsReleaseText.parse(line + "\nVERSION_ID='3975.2.1'");

        OsIdentity os = classifier.classify(osRelease, null, null, null);

        assertThat(os).isEqualTo(new OsIdentity("flatcar", "3975.2.1", IMMUTABLE, List.of("os-release ID=flatcar")));
    }

    @Test
    void keyOrderDoesNotMatter() {
        List<Map.Entry<String, String>> lines =
                new ArrayList<>(OsReleaseText.parse(RHEL_9_4).entrySet());
        Map<String, String> forward = new LinkedHashMap<>();
        lines.forEach(e -> forward.put(e.getKey(), e.getValue()));
        Collections.reverse(lines);
        Map<String, String> backward = new LinkedHashMap<>();
        lines.forEach(e -> backward.put(e.getKey(), e.getValue()));

        assertThat(classifier.classify(backward, null, null, null))
                .isEqualTo(classifier.classify(forward, null, null, null))
                .isEqualTo(new OsIdentity("rhel", "9.4", MUTABLE, List.of("os-release ID=rhel")));
    }

    @Test
    void lowerCaseKeysAndPaddedValuesAreRead() {
        Map<String, String> osRelease = Map.of(
                " id ",
                "  \"sles\" ",
                "version_id",
                "'15.6'",
                "pretty_name",
                "\"SUSE Linux Enterprise Server 15 SP6\"");

        OsIdentity os = classifier.classify(osRelease, null, null, null);

        assertThat(os).isEqualTo(new OsIdentity("sles", "15.6", MUTABLE, List.of("os-release ID=sles")));
    }

    @Test
    void nullKeysAndValuesAreSkipped() {
        Map<String, String> osRelease = new HashMap<>();
        osRelease.put(null, "x");
        osRelease.put("VERSION_ID", null);
        osRelease.put("ID", "talos");

        assertThat(classifier.classify(osRelease, null, null, null).family()).isEqualTo("talos");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void unidentifiedOsIsNeverMutable(
            String label, Map<String, String> osRelease, String osImage, String kernelVersion) {
        OsIdentity os = classifier.classify(osRelease, osImage, kernelVersion, null);

        assertThat(os.family()).isEqualTo("unknown");
        assertThat(os.mutability()).isEqualTo(UNKNOWN);
        assertThat(os.evidence()).isNotEmpty();
    }

    static Stream<Arguments> unidentifiedOsIsNeverMutable() {
        return Stream.of(
                Arguments.of("nothing at all", null, null, null),
                Arguments.of("empty values", Map.of(), "", "  "),
                Arguments.of("osImage Unknown", null, "Unknown", null),
                Arguments.of("blank os-release values", Map.of("ID", "\"\"", "NAME", "''"), "Unknown", null),
                Arguments.of("bare Linux osImage", null, "Linux", "6.1.0"),
                Arguments.of(
                        "arch linux",
                        OsReleaseText.parse("NAME=\"Arch Linux\"\nID=arch\nBUILD_ID=rolling"),
                        null,
                        "6.10.10-arch1-1"),
                Arguments.of(
                        "ubuntu derivative named only in ID_LIKE",
                        OsReleaseText.parse("""
                        NAME="Pop!_OS"
                        ID=pop
                        ID_LIKE="ubuntu debian"
                        PRETTY_NAME="Pop!_OS 22.04 LTS"
                        """),
                        "Pop!_OS 22.04 LTS",
                        "6.9.3-76060903-generic"),
                Arguments.of("distribution kernel alone", null, null, "5.15.0-1052-azure"),
                Arguments.of("rhel kernel alone", null, null, "5.14.0-427.13.1.el9_4.x86_64"));
    }

    @Test
    void unknownIdentityExplainsWhatWasChecked() {
        OsIdentity os = classifier.classify(null, "Unknown", "6.1.0", null);

        assertThat(os.evidence())
                .containsExactly(
                        "no os-release",
                        "osImage \"Unknown\" names no OS",
                        "kernelVersion 6.1.0 hints at no image-based family");
        assertThat(os.version()).isNull();
    }

    @Test
    void coreOsVariantOfAnUnknownDistributionIsImmutableButUnknown() {
        OsIdentity os = classifier.classify(Map.of("ID", "acmeos", "VARIANT_ID", "coreos"), null, null, null);

        assertThat(os.family()).isEqualTo("unknown");
        assertThat(os.mutability()).isEqualTo(IMMUTABLE);
        assertThat(os.evidence().get(0)).startsWith("os-release ID=acmeos VARIANT_ID=coreos");
    }

    @Test
    void coreOsVariantWithoutIdIsImmutable() {
        OsIdentity os = classifier.classify(Map.of("VARIANT_ID", "coreos"), null, null, READ_ONLY_USR);

        assertThat(os.family()).isEqualTo("unknown");
        assertThat(os.mutability()).isEqualTo(IMMUTABLE);
        assertThat(os.evidence().get(0)).startsWith("os-release VARIANT_ID=coreos");
    }

    @Test
    void coreOsVariantTakesItsFamilyFromIdLike() {
        OsIdentity os = classifier.classify(
                Map.of("ID", "acmeos", "ID_LIKE", "fedora", "VARIANT_ID", "coreos"), null, null, null);

        assertThat(os.family()).isEqualTo("fedora-coreos");
    }

    @Test
    void imageBasedRelativeInIdLikeNamesTheFamily() {
        OsIdentity os = classifier.classify(Map.of("ID", "acme-edge", "ID_LIKE", "coreos"), null, null, null);

        assertThat(os.family()).isEqualTo("flatcar");
        assertThat(os.evidence().get(0)).isEqualTo("os-release ID_LIKE names coreos (ID=acme-edge is no known family)");
    }

    @Test
    void fedoraAtomicDesktopIsBootc() {
        OsIdentity os = classifier.classify(
                Map.of("ID", "fedora", "VARIANT_ID", "silverblue", "VERSION_ID", "40"), null, null, null);

        assertThat(os.family()).isEqualTo("bootc");
        assertThat(os.mutability()).isEqualTo(IMMUTABLE);
    }

    @Test
    void kairosNeverReportsItsBaseDistributionVersion() {
        Map<String, String> osRelease = Map.of("ID", "ubuntu", "VERSION_ID", "\"24.04\"", "KAIROS_FLAVOR", "ubuntu");

        OsIdentity os = classifier.classify(osRelease, "Ubuntu 24.04.1 LTS", null, null);

        assertThat(os)
                .isEqualTo(new OsIdentity(
                        "kairos", null, IMMUTABLE, List.of("os-release KAIROS_FLAVOR=ubuntu over base ID=ubuntu")));
    }

    @Test
    void kernelHintIdentifiesOnlyWhenNothingElseDoes() {
        OsIdentity os = classifier.classify(null, "Unknown", "6.6.58-talos", null);

        assertThat(os).isEqualTo(new OsIdentity("talos", null, IMMUTABLE, List.of("kernelVersion 6.6.58-talos")));
    }

    @Test
    void kernelHintIsIgnoredWhenOsReleaseIdentifies() {
        OsIdentity os = classifier.classify(OsReleaseText.parse(UBUNTU_22_04), null, "6.6.58-talos", null);

        assertThat(os.family()).isEqualTo("ubuntu");
        assertThat(os.evidence()).noneMatch(e -> e.contains("kernelVersion"));
    }

    @Test
    void kernelHintIsIgnoredWhenOsImageIdentifies() {
        OsIdentity os = classifier.classify(null, "Ubuntu 22.04.4 LTS", "6.6.48-flatcar", null);

        assertThat(os.family()).isEqualTo("ubuntu");
        assertThat(os.evidence()).containsExactly("osImage \"Ubuntu 22.04.4 LTS\"");
    }

    @Test
    void osReleaseWinsOverOsImage() {
        OsIdentity os = classifier.classify(
                Map.of("ID", "flatcar", "VERSION_ID", "4081.2.0"), "Ubuntu 22.04.4 LTS", null, null);

        assertThat(os).isEqualTo(new OsIdentity("flatcar", "4081.2.0", IMMUTABLE, List.of("os-release ID=flatcar")));
    }

    @Test
    void osImageIdentifiesWhenOsReleaseNamesNoKnownFamily() {
        OsIdentity os = classifier.classify(Map.of("ID", "linux"), "Talos (v1.8.2)", null, null);

        assertThat(os).isEqualTo(new OsIdentity("talos", "v1.8.2", IMMUTABLE, List.of("osImage \"Talos (v1.8.2)\"")));
    }

    @Test
    void windowsNodeHasNoOsRelease() {
        OsIdentity os = classifier.classify(Map.of(), "Windows Server 2022 Datacenter", "10.0.20348.1787", null);

        assertThat(os)
                .isEqualTo(new OsIdentity(
                        "windows", "2022", MUTABLE, List.of("osImage \"Windows Server 2022 Datacenter\"")));
    }

    @Test
    void versionIdWinsOverPrettyNameAndOsImage() {
        OsIdentity os = classifier.classify(OsReleaseText.parse(UBUNTU_22_04), "Ubuntu 22.04.4 LTS", null, null);

        assertThat(os.version()).isEqualTo("22.04");
    }

    @Test
    void versionFallsBackToOsImageWhenOsReleaseHasNone() {
        OsIdentity os = classifier.classify(Map.of("ID", "\"rocky\""), "Rocky Linux 9.6 (Blue Onyx)", null, null);

        assertThat(os.family()).isEqualTo("rocky");
        assertThat(os.version()).isEqualTo("9.6");
    }

    private static HostFacts probes(Boolean readOnlyUsr, Boolean ostreeBooted) {
        return new HostFacts("amd64", 4, 8192L, readOnlyUsr, ostreeBooted, null);
    }
}
