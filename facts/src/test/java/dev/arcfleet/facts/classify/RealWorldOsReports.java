package dev.arcfleet.facts.classify;

import static dev.arcfleet.contracts.Mutability.IMMUTABLE;
import static dev.arcfleet.contracts.Mutability.MUTABLE;
import static dev.arcfleet.contracts.Mutability.UNKNOWN;

import dev.arcfleet.contracts.Mutability;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What real nodes report, verbatim: first every row of docs/os-identities.md, then strings from public issue trackers,
 * distribution sources and {@code kubectl get nodes -o wide} outputs. Each row: a label, the report, and the
 * expected family, version, mutability and a fragment of the evidence that must name the deciding fact.
 */
final class RealWorldOsReports {
    private RealWorldOsReports() {}

    /** label, os-release text, family, version, mutability, evidence fragment. */
    static Stream<Arguments> osReleaseForms() {
        return Stream.of(
                // docs/os-identities.md, os-release column
                osRelease("talos (OS-IDENTITIES)", """
                        ID=talos
                        NAME="Talos"
                        VERSION_ID=v1.13.10
                        PRETTY_NAME="Talos (v1.13.10)"
                        """, "talos", "v1.13.10", IMMUTABLE, "os-release ID=talos"),
                osRelease("flatcar (OS-IDENTITIES)", """
                        ID=flatcar
                        ID_LIKE=coreos
                        VERSION_ID=3033.2.0
                        FLATCAR_BOARD="amd64-usr"
                        """, "flatcar", "3033.2.0", IMMUTABLE, "os-release ID=flatcar"),
                osRelease(
                        "kairos on ubuntu (OS-IDENTITIES)",
                        """
                        ID=ubuntu
                        VERSION_ID="24.04"
                        KAIROS_ID="kairos"
                        KAIROS_RELEASE="v3.4.2"
                        KAIROS_FLAVOR="ubuntu"
                        """,
                        "kairos",
                        "v3.4.2",
                        IMMUTABLE,
                        "KAIROS_ID=kairos over base ID=ubuntu"),
                osRelease(
                        "kairos on opensuse-leap (OS-IDENTITIES)",
                        """
                        ID="opensuse-leap"
                        VERSION_ID="15.5"
                        KAIROS_FLAVOR=opensuse
                        KAIROS_FLAVOR_RELEASE=leap-15.5
                        KAIROS_RELEASE=v2.4.2
                        """,
                        "kairos",
                        "v2.4.2",
                        IMMUTABLE,
                        "KAIROS_RELEASE=v2.4.2 over base ID=opensuse-leap"),
                osRelease(
                        "bottlerocket (OS-IDENTITIES)",
                        """
                        ID=bottlerocket
                        VARIANT_ID=aws-k8s-1.30
                        VERSION_ID=1.36.0
                        """,
                        "bottlerocket",
                        "1.36.0",
                        IMMUTABLE,
                        "os-release ID=bottlerocket"),
                osRelease(
                        "fedora-coreos (OS-IDENTITIES)",
                        """
                        ID=fedora
                        VARIANT_ID=coreos
                        VARIANT="CoreOS"
                        """,
                        "fedora-coreos",
                        null,
                        IMMUTABLE,
                        "os-release ID=fedora VARIANT_ID=coreos"),
                osRelease(
                        "fedora-iot (OS-IDENTITIES)",
                        """
                        ID=fedora
                        VARIANT_ID=iot
                        VARIANT="IoT Edition"
                        """,
                        "fedora-iot",
                        null,
                        IMMUTABLE,
                        "os-release ID=fedora VARIANT_ID=iot"),
                osRelease(
                        "rhcos (OS-IDENTITIES)",
                        """
                        ID="rhcos"
                        VARIANT_ID=coreos
                        OPENSHIFT_VERSION="4.18"
                        """,
                        "rhcos",
                        null,
                        IMMUTABLE,
                        "os-release ID=rhcos VARIANT_ID=coreos"),
                osRelease("sle-micro (OS-IDENTITIES)", """
                        ID="sle-micro"
                        PRETTY_NAME="SUSE Linux Enterprise Micro 5.4"
                        """, "sle-micro", "5.4", IMMUTABLE, "os-release ID=sle-micro"),
                osRelease(
                        "opensuse-microos (OS-IDENTITIES)",
                        """
                        ID="opensuse-microos"
                        PRETTY_NAME="openSUSE MicroOS"
                        """,
                        "opensuse-microos",
                        null,
                        IMMUTABLE,
                        "os-release ID=opensuse-microos"),
                osRelease(
                        "ubuntu-core (OS-IDENTITIES)",
                        """
                        ID=ubuntu-core
                        PRETTY_NAME="Ubuntu Core 20"
                        """,
                        "ubuntu-core",
                        "20",
                        IMMUTABLE,
                        "os-release ID=ubuntu-core"),
                osRelease("ubuntu (OS-IDENTITIES)", "ID=ubuntu", "ubuntu", null, MUTABLE, "os-release ID=ubuntu"),
                osRelease("rhel (OS-IDENTITIES)", """
                        ID="rhel"
                        ID_LIKE="fedora"
                        VERSION_ID="9.2"
                        """, "rhel", "9.2", MUTABLE, "os-release ID=rhel"),
                osRelease("rocky (OS-IDENTITIES)", "ID=\"rocky\"", "rocky", null, MUTABLE, "os-release ID=rocky"),
                osRelease("debian (OS-IDENTITIES)", "ID=debian", "debian", null, MUTABLE, "os-release ID=debian"),
                osRelease("sles (OS-IDENTITIES)", "ID=\"sles\"", "sles", null, MUTABLE, "os-release ID=sles"),

                // Talos as `talosctl read /etc/os-release` shows it in a runbook: no ID line at all
                osRelease(
                        "talos without ID",
                        """
                        NAME="Talos"
                        VERSION_ID=v1.13.7
                        PRETTY_NAME="Talos (v1.13.7)"
                        """,
                        "talos",
                        "v1.13.7",
                        IMMUTABLE,
                        "os-release PRETTY_NAME \"Talos (v1.13.7)\""),
                // flatcar/flatcar-website#198
                osRelease("flatcar 3033.2.0 full file", """
                        NAME="Flatcar Container Linux by Kinvolk"
                        ID=flatcar
                        ID_LIKE=coreos
                        VERSION=3033.2.0
                        VERSION_ID=3033.2.0
                        BUILD_ID=2021-12-10-1820
                        PRETTY_NAME="Flatcar Container Linux by Kinvolk 3033.2.0 (Oklo)"
                        ANSI_COLOR="38;5;75"
                        HOME_URL="https://flatcar-linux.org/"
                        BUG_REPORT_URL="https://issues.flatcar-linux.org"
                        FLATCAR_BOARD="amd64-usr"
                        """, "flatcar", "3033.2.0", IMMUTABLE, "os-release ID=flatcar"),
                osRelease(
                        "flatcar 3227.2.4 with SYSEXT_LEVEL",
                        """
                        NAME="Flatcar Container Linux by Kinvolk"
                        ID=flatcar
                        ID_LIKE=coreos
                        VERSION=3227.2.4
                        VERSION_ID=3227.2.4
                        BUILD_ID=2022-10-27-1321
                        SYSEXT_LEVEL=1.0
                        PRETTY_NAME="Flatcar Container Linux by Kinvolk 3227.2.4 (Oklo)"
                        ANSI_COLOR="38;5;75"
                        HOME_URL="https://flatcar.org/"
                        BUG_REPORT_URL="https://issues.flatcar.org"
                        FLATCAR_BOARD="amd64-usr"
                        CPE_NAME="cpe:2.3:o:flatcar-linux:flatcar_linux:3227.2.4:*:*:*:*:*:*:*"
                        """,
                        "flatcar",
                        "3227.2.4",
                        IMMUTABLE,
                        "os-release ID=flatcar"),
                // chef/os_release: CoreOS Container Linux, Flatcar's predecessor
                osRelease(
                        "coreos container linux 766.3.0",
                        """
                        NAME=CoreOS
                        ID=coreos
                        VERSION=766.3.0
                        VERSION_ID=766.3.0
                        BUILD_ID=
                        PRETTY_NAME="CoreOS 766.3.0"
                        ANSI_COLOR="1;32"
                        HOME_URL="https://coreos.com/"
                        BUG_REPORT_URL="https://github.com/coreos/bugs/issues"
                        """,
                        "flatcar",
                        "766.3.0",
                        IMMUTABLE,
                        "os-release ID=coreos (CoreOS Container Linux"),
                // kairos-io/kairos#1622: the base is debian, KAIROS_FLAVOR is wrong, KAIROS_* still win
                osRelease(
                        "kairos v2.3.0 on debian trixie",
                        """
                        PRETTY_NAME="Debian GNU/Linux trixie/sid"
                        NAME="Debian GNU/Linux"
                        VERSION_CODENAME=trixie
                        ID=debian
                        HOME_URL="https://www.debian.org/"
                        SUPPORT_URL="https://www.debian.org/support"
                        BUG_REPORT_URL="https://bugs.debian.org/"
                        KAIROS_NAME="kairos-debian"
                        KAIROS_VERSION="v2.3.0-k3sv1.27.3+k3s1"
                        KAIROS_ID="kairos"
                        KAIROS_ID_LIKE="kairos-debian"
                        KAIROS_VERSION_ID="v2.3.0-k3sv1.27.3+k3s1"
                        KAIROS_PRETTY_NAME="kairos-debian v2.3.0-k3sv1.27.3+k3s1"
                        KAIROS_VARIANT="kairos"
                        KAIROS_FLAVOR="opensuse-leap"
                        """,
                        "kairos",
                        "v2.3.0-k3sv1.27.3+k3s1",
                        IMMUTABLE,
                        "KAIROS_ID=kairos over base ID=debian"),
                // os-release of a Kairos Ubuntu 24.04 UKI image (kairos-io/kairos#2983) merged with /etc/kairos-release
                osRelease(
                        "kairos v3.4.2 on ubuntu 24.04 with kairos-release",
                        """
                        PRETTY_NAME="Ubuntu 24.04.1 LTS"
                        NAME="Ubuntu"
                        VERSION_ID="24.04"
                        VERSION="24.04.1 LTS (Noble Numbat)"
                        VERSION_CODENAME=noble
                        ID=ubuntu
                        ID_LIKE=debian
                        KAIROS_ARCH="amd64"
                        KAIROS_FAMILY="debian"
                        KAIROS_FLAVOR="ubuntu"
                        KAIROS_FLAVOR_RELEASE="24.04"
                        KAIROS_ID="kairos"
                        KAIROS_NAME="kairos-standard-ubuntu-24.04"
                        KAIROS_RELEASE="v3.4.2"
                        KAIROS_SOFTWARE_VERSION="v1.32.4+k3s1"
                        KAIROS_VARIANT="standard"
                        KAIROS_VERSION="v3.4.2"
                        """,
                        "kairos",
                        "v3.4.2",
                        IMMUTABLE,
                        "KAIROS_ID=kairos over base ID=ubuntu"),
                // /etc/kairos-release of the Hadron flavor, sent alone
                osRelease(
                        "kairos hadron kairos-release only",
                        """
                        KAIROS_ARCH="amd64"
                        KAIROS_FAMILY="hadron"
                        KAIROS_FLAVOR="hadron"
                        KAIROS_FLAVOR_RELEASE="v0.0.4"
                        KAIROS_ID="kairos"
                        KAIROS_NAME="kairos-core-hadron-v0.0.4"
                        KAIROS_RELEASE="v4.0.3"
                        KAIROS_VARIANT="core"
                        KAIROS_VERSION="v4.0.3"
                        """,
                        "kairos",
                        "v4.0.3",
                        IMMUTABLE,
                        "os-release KAIROS_ID=kairos"),
                // bottlerocket-os/bottlerocket sources
                osRelease(
                        "bottlerocket 1.47.0 aws-k8s-1.34",
                        """
                        NAME=Bottlerocket
                        ID=bottlerocket
                        VERSION="1.47.0 (aws-k8s-1.34)"
                        PRETTY_NAME="Bottlerocket OS 1.47.0 (aws-k8s-1.34)"
                        VARIANT_ID=aws-k8s-1.34
                        VERSION_ID=1.47.0
                        BUILD_ID=6154605b
                        VENDOR_NAME=Bottlerocket
                        """,
                        "bottlerocket",
                        "1.47.0",
                        IMMUTABLE,
                        "os-release ID=bottlerocket"),
                osRelease(
                        "bottlerocket 0.4.0 aws-k8s-1.16",
                        """
                        NAME=Bottlerocket
                        ID=bottlerocket
                        PRETTY_NAME="Bottlerocket OS 0.4.0"
                        VARIANT_ID=aws-k8s-1.16
                        VERSION_ID=0.4.0
                        BUILD_ID=7303622
                        """,
                        "bottlerocket",
                        "0.4.0",
                        IMMUTABLE,
                        "os-release ID=bottlerocket"),
                osRelease("fedora coreos 35 full file", """
                        NAME="Fedora Linux"
                        VERSION="35.20211203.3.0 (CoreOS)"
                        ID=fedora
                        VERSION_ID=35
                        VERSION_CODENAME=""
                        PLATFORM_ID="platform:f35"
                        PRETTY_NAME="Fedora CoreOS 35.20211203.3.0"
                        ANSI_COLOR="0;38;2;60;110;180"
                        LOGO=fedora-logo-icon
                        CPE_NAME="cpe:/o:fedoraproject:fedora:35"
                        HOME_URL="https://getfedora.org/coreos/"
                        REDHAT_BUGZILLA_PRODUCT="Fedora"
                        REDHAT_BUGZILLA_PRODUCT_VERSION=35
                        VARIANT="CoreOS"
                        VARIANT_ID=coreos
                        OSTREE_VERSION='35.20211203.3.0'
                        DEFAULT_HOSTNAME=localhost
                        """, "fedora-coreos", "35", IMMUTABLE, "VARIANT_ID=coreos"),
                // which-distro/os-release fedora/iot/40
                osRelease("fedora iot 40", """
                        NAME="Fedora Linux"
                        VERSION="40 (IoT Edition)"
                        ID=fedora
                        VERSION_ID=40
                        VERSION_CODENAME=""
                        PLATFORM_ID="platform:f40"
                        PRETTY_NAME="Fedora Linux 40 (IoT Edition)"
                        SUPPORT_END=2025-05-13
                        VARIANT="IoT Edition"
                        VARIANT_ID=iot
                        """, "fedora-iot", "40", IMMUTABLE, "VARIANT_ID=iot"),
                // ComplianceAsCode/content test fixture
                osRelease("rhcos 4.13", """
                        NAME="Red Hat Enterprise Linux CoreOS"
                        ID="rhcos"
                        ID_LIKE="rhel fedora"
                        VERSION="413.92.202303221220-0"
                        VERSION_ID="4.13"
                        VARIANT="CoreOS"
                        VARIANT_ID=coreos
                        PLATFORM_ID="platform:el9"
                        PRETTY_NAME="Red Hat Enterprise Linux CoreOS 413.92.202303221220-0 (Plow)"
                        OPENSHIFT_VERSION="4.13"
                        RHEL_VERSION="9"
                        OSTREE_VERSION="413.92.202303221220-0"
                        """, "rhcos", "4.13", IMMUTABLE, "os-release ID=rhcos VARIANT_ID=coreos"),
                osRelease("rhcos 4.4 without VARIANT_ID", """
                        NAME="Red Hat Enterprise Linux CoreOS"
                        VERSION="44.81.202006080130-0"
                        VERSION_ID="4.4"
                        OPENSHIFT_VERSION="4.4"
                        RHEL_VERSION="8.2"
                        PRETTY_NAME="Red Hat Enterprise Linux CoreOS 44.81.202006080130-0 (Ootpa)"
                        ID="rhcos"
                        """, "rhcos", "4.4", IMMUTABLE, "os-release ID=rhcos"),
                // RHCOS 10 reports ID=rhel: only VARIANT_ID tells it from RHEL
                osRelease(
                        "rhcos 10 with ID=rhel",
                        """
                        NAME="Red Hat Enterprise Linux CoreOS"
                        VERSION="10.1.20251005-0 (Coughlan)"
                        ID="rhel"
                        ID_LIKE="centos fedora"
                        VERSION_ID="10.1"
                        PLATFORM_ID="platform:el10"
                        VARIANT=CoreOS
                        VARIANT_ID=coreos
                        """,
                        "rhcos",
                        "10.1",
                        IMMUTABLE,
                        "os-release ID=rhel VARIANT_ID=coreos"),
                osRelease(
                        "centos stream coreos (OKD) 4.12",
                        """
                        NAME="CentOS Stream CoreOS"
                        ID="scos"
                        ID_LIKE="rhel fedora"
                        VERSION="412.9.202211241749-0"
                        VERSION_ID="4.12"
                        VARIANT="CoreOS"
                        VARIANT_ID=coreos
                        PLATFORM_ID="platform:el9"
                        PRETTY_NAME="CentOS Stream CoreOS 412.9.202211241749-0"
                        """,
                        "rhcos",
                        "4.12",
                        IMMUTABLE,
                        "os-release ID=scos VARIANT_ID=coreos"),
                osRelease("sle micro 5.5", """
                        NAME="SLE Micro"
                        VERSION="5.5"
                        VERSION_ID="5.5"
                        PRETTY_NAME="SUSE Linux Enterprise Micro 5.5"
                        ID="sle-micro"
                        ID_LIKE="suse"
                        ANSI_COLOR="0;32"
                        CPE_NAME="cpe:/o:suse:sle-micro:5.5"
                        """, "sle-micro", "5.5", IMMUTABLE, "os-release ID=sle-micro"),
                // chef/os_release suse-microos: SLE Micro 5.1 still used the old ID
                osRelease(
                        "sle micro 5.1 with ID=suse-microos",
                        """
                        NAME="SLE Micro"
                        VERSION="5.1"
                        VERSION_ID="5.1"
                        PRETTY_NAME="SUSE Linux Enterprise Micro 5.1"
                        ID="suse-microos"
                        ID_LIKE="suse"
                        ANSI_COLOR="0;32"
                        CPE_NAME="cpe:/o:suse:suse-microos:5.1"
                        """,
                        "sle-micro",
                        "5.1",
                        IMMUTABLE,
                        "os-release ID=suse-microos"),
                osRelease("suse linux micro 6.0", """
                        NAME="SL-Micro"
                        PRETTY_NAME="SUSE Linux Micro 6.0"
                        ID="sl-micro"
                        ID_LIKE="suse"
                        """, "sle-micro", "6.0", IMMUTABLE, "os-release ID=sl-micro"),
                osRelease(
                        "opensuse leap micro 6.0",
                        """
                        NAME="openSUSE Leap Micro"
                        VERSION="6.0"
                        ID="opensuse-leap-micro"
                        ID_LIKE="suse opensuse opensuse-leap-micro sle-micro"
                        VERSION_ID="6.0"
                        PRETTY_NAME="openSUSE Leap Micro 6.0"
                        """,
                        "sle-micro",
                        "6.0",
                        IMMUTABLE,
                        "os-release ID=opensuse-leap-micro"),
                osRelease(
                        "opensuse microos 20240228",
                        """
                        NAME="openSUSE MicroOS"
                        # VERSION="20240228"
                        ID="opensuse-microos"
                        ID_LIKE="suse opensuse opensuse-tumbleweed"
                        VERSION_ID="20240228"
                        PRETTY_NAME="openSUSE MicroOS"
                        ANSI_COLOR="0;32"
                        CPE_NAME="cpe:/o:opensuse:microos:20240228"
                        """,
                        "opensuse-microos",
                        "20240228",
                        IMMUTABLE,
                        "os-release ID=opensuse-microos"),
                osRelease("ubuntu core 20", """
                        NAME="Ubuntu Core"
                        VERSION="20"
                        ID=ubuntu-core
                        PRETTY_NAME="Ubuntu Core 20"
                        VERSION_ID="20"
                        HOME_URL="https://snapcraft.io/"
                        BUG_REPORT_URL="https://bugs.launchpad.net/snappy/"
                        """, "ubuntu-core", "20", IMMUTABLE, "os-release ID=ubuntu-core"),
                osRelease("ubuntu 24.04.1", """
                        PRETTY_NAME="Ubuntu 24.04.1 LTS"
                        NAME="Ubuntu"
                        VERSION_ID="24.04"
                        VERSION="24.04.1 LTS (Noble Numbat)"
                        VERSION_CODENAME=noble
                        ID=ubuntu
                        ID_LIKE=debian
                        HOME_URL="https://www.ubuntu.com/"
                        UBUNTU_CODENAME=noble
                        LOGO=ubuntu-logo
                        """, "ubuntu", "24.04", MUTABLE, "os-release ID=ubuntu"),
                osRelease("debian 12", """
                        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
                        NAME="Debian GNU/Linux"
                        VERSION_ID="12"
                        VERSION="12 (bookworm)"
                        VERSION_CODENAME=bookworm
                        ID=debian
                        HOME_URL="https://www.debian.org/"
                        """, "debian", "12", MUTABLE, "os-release ID=debian"),
                osRelease("debian trixie/sid without VERSION_ID", """
                        PRETTY_NAME="Debian GNU/Linux trixie/sid"
                        NAME="Debian GNU/Linux"
                        VERSION_CODENAME=trixie
                        ID=debian
                        """, "debian", null, MUTABLE, "os-release ID=debian"),
                osRelease("rhel 8.0 beta", """
                        NAME="Red Hat Enterprise Linux"
                        VERSION="8.0 (Ootpa)"
                        ID="rhel"
                        ID_LIKE="fedora"
                        VERSION_ID="8.0"
                        PLATFORM_ID="platform:el8"
                        PRETTY_NAME="Red Hat Enterprise Linux 8.0 Beta (Ootpa)"
                        REDHAT_SUPPORT_PRODUCT_VERSION="8.0 Beta"
                        """, "rhel", "8.0", MUTABLE, "os-release ID=rhel"),
                osRelease("centos stream 9", """
                        NAME="CentOS Stream"
                        VERSION="9"
                        ID="centos"
                        ID_LIKE="rhel fedora"
                        VERSION_ID="9"
                        PLATFORM_ID="platform:el9"
                        PRETTY_NAME="CentOS Stream 9"
                        """, "centos", "9", MUTABLE, "os-release ID=centos"),
                osRelease("rocky 8 with ID_LIKE rhel", """
                        NAME="Rocky Linux"
                        VERSION="8"
                        ID="rocky"
                        ID_LIKE="rhel fedora"
                        VERSION_ID="8"
                        PLATFORM_ID="platform:el8"
                        PRETTY_NAME="Rocky Linux 8"
                        """, "rocky", "8", MUTABLE, "os-release ID=rocky"),
                osRelease("almalinux 9.6", """
                        NAME="AlmaLinux"
                        VERSION="9.6 (Sage Margay)"
                        ID="almalinux"
                        ID_LIKE="rhel centos fedora"
                        VERSION_ID="9.6"
                        PLATFORM_ID="platform:el9"
                        PRETTY_NAME="AlmaLinux 9.6 (Sage Margay)"
                        SUPPORT_END=2032-06-01
                        """, "almalinux", "9.6", MUTABLE, "os-release ID=almalinux"),
                osRelease("oracle linux 8.5", """
                        NAME="Oracle Linux Server"
                        VERSION="8.5"
                        ID="ol"
                        ID_LIKE="fedora"
                        VARIANT="Server"
                        VARIANT_ID="server"
                        VERSION_ID="8.5"
                        PLATFORM_ID="platform:el8"
                        PRETTY_NAME="Oracle Linux Server 8.5"
                        """, "oracle", "8.5", MUTABLE, "os-release ID=ol"),
                osRelease("sles 15 sp7", """
                        NAME="SLES"
                        VERSION="15-SP7"
                        VERSION_ID="15.7"
                        PRETTY_NAME="SUSE Linux Enterprise Server 15 SP7"
                        ID="sles"
                        ID_LIKE="suse"
                        CPE_NAME="cpe:/o:suse:sles:15:sp7"
                        """, "sles", "15.7", MUTABLE, "os-release ID=sles"),
                osRelease("amazon linux 2", """
                        NAME="Amazon Linux"
                        VERSION="2"
                        ID="amzn"
                        ID_LIKE="centos rhel fedora"
                        VERSION_ID="2"
                        PRETTY_NAME="Amazon Linux 2"
                        SUPPORT_END="2026-06-30"
                        """, "amazon", "2", MUTABLE, "os-release ID=amzn"),
                osRelease("amazon linux 2022", """
                        NAME="Amazon Linux"
                        VERSION="2022"
                        ID="amzn"
                        ID_LIKE="fedora"
                        VERSION_ID="2022"
                        PLATFORM_ID="platform:al2022"
                        PRETTY_NAME="Amazon Linux 2022"
                        """, "amazon", "2022", MUTABLE, "os-release ID=amzn"),
                osRelease("azure linux 3.0", """
                        NAME="Microsoft Azure Linux"
                        VERSION="3.0.20241005"
                        ID=azurelinux
                        VERSION_ID="3.0"
                        PRETTY_NAME="Microsoft Azure Linux 3.0"
                        HOME_URL="https://aka.ms/azurelinux"
                        """, "azure-linux", "3.0", MUTABLE, "os-release ID=azurelinux"),
                osRelease("cbl-mariner 2.0", """
                        NAME="Common Base Linux Mariner"
                        VERSION="2.0.20230208"
                        ID=mariner
                        VERSION_ID="2.0"
                        PRETTY_NAME="CBL-Mariner/Linux"
                        HOME_URL="https://aka.ms/cbl-mariner"
                        """, "azure-linux", "2.0", MUTABLE, "os-release ID=mariner"),
                // distributions with no family of their own stay unknown: never guessed mutable
                osRelease("fedora server 40", """
                        NAME="Fedora Linux"
                        VERSION="40 (Server Edition)"
                        ID=fedora
                        VERSION_ID=40
                        PRETTY_NAME="Fedora Linux 40 (Server Edition)"
                        VARIANT="Server Edition"
                        VARIANT_ID=server
                        """, "unknown", "40", UNKNOWN, "os-release ID=fedora is no known family"),
                osRelease(
                        "opensuse tumbleweed",
                        """
                        NAME="openSUSE Tumbleweed"
                        ID="opensuse-tumbleweed"
                        ID_LIKE="opensuse suse"
                        PRETTY_NAME="openSUSE Tumbleweed"
                        """,
                        "unknown",
                        null,
                        UNKNOWN,
                        "os-release ID=opensuse-tumbleweed is no known family"),
                osRelease("alpine 3.21", """
                        ID=alpine
                        PRETTY_NAME="Alpine Linux v3.21"
                        """, "unknown", "v3.21", UNKNOWN, "os-release ID=alpine is no known family"));
    }

    /** label, osImage, kernelVersion, family, version, mutability, evidence fragment. */
    static Stream<Arguments> osImageForms() {
        return Stream.of(
                // docs/os-identities.md, osImage column
                osImage("Talos (v1.8.2)", "6.6.58-talos", "talos", "v1.8.2", IMMUTABLE),
                osImage(
                        "Flatcar Container Linux by Kinvolk 3975.2.1 (Oklo)",
                        "6.6.48-flatcar",
                        "flatcar",
                        "3975.2.1",
                        IMMUTABLE),
                osImage(
                        "Flatcar Linux by Kinvolk 1745.7.0 (Rhyolite)",
                        "4.14.48-flatcar",
                        "flatcar",
                        "1745.7.0",
                        IMMUTABLE),
                osImage("Bottlerocket OS 1.12.0 (aws-k8s-1.24)", "5.15.59", "bottlerocket", "1.12.0", IMMUTABLE),
                osImage(
                        "Fedora CoreOS 38.20231027.3.2",
                        "6.5.7-200.fc38.x86_64",
                        "fedora-coreos",
                        "38.20231027.3.2",
                        IMMUTABLE),
                osImage(
                        "Red Hat Enterprise Linux CoreOS 47.84.202102161611-0 (Ootpa)",
                        "4.18.0-240.15.1.el8_3.x86_64",
                        "rhcos",
                        "47.84.202102161611-0",
                        IMMUTABLE),
                osImage("Ubuntu 20.04.6 LTS", "5.15.0-1057-azure", "ubuntu", "20.04.6", MUTABLE),
                osImage("Red Hat Enterprise Linux 9.4 (Plow)", "5.14.0-427.13.1.el9_4.x86_64", "rhel", "9.4", MUTABLE),
                osImage("Rocky Linux 9.6 (Blue Onyx)", "5.14.0-570.17.1.el9_6.x86_64", "rocky", "9.6", MUTABLE),
                osImage("Debian GNU/Linux 12 (bookworm)", "6.1.0-25-amd64", "debian", "12", MUTABLE),
                osImage("SUSE Linux Enterprise Server 15 SP5", "5.14.21-150500.55.65-default", "sles", "15.5", MUTABLE),
                osImage("Windows Server 2022 Standard", "10.0.20348.2527", "windows", "2022", MUTABLE),
                osImage("Windows Server 2019 Datacenter", "10.0.17763.5820", "windows", "2019", MUTABLE),

                // kubectl get nodes -o wide outputs and distribution names, new versions and code names
                osImage("Talos (v1.7.6)", "6.6.43-talos", "talos", "v1.7.6", IMMUTABLE),
                osImage("Talos (40ae00d-dirty)", "4.19.40-talos", "talos", null, IMMUTABLE),
                osImage(
                        "Flatcar Container Linux by Kinvolk 3815.2.2 (Oklo)",
                        "6.1.85-flatcar",
                        "flatcar",
                        "3815.2.2",
                        IMMUTABLE),
                osImage(
                        "Container Linux by CoreOS 1911.3.0 (Rhyolite)",
                        "4.19.34-coreos",
                        "flatcar",
                        "1911.3.0",
                        IMMUTABLE),
                osImage("Bottlerocket OS 1.20.3 (aws-k8s-1.29)", "6.1.90", "bottlerocket", "1.20.3", IMMUTABLE),
                osImage("Bottlerocket OS 1.15.0 (vmware-k8s-1.24)", "5.15.122", "bottlerocket", "1.15.0", IMMUTABLE),
                osImage(
                        "Fedora CoreOS 40.20240616.3.0",
                        "6.8.11-300.fc40.x86_64",
                        "fedora-coreos",
                        "40.20240616.3.0",
                        IMMUTABLE),
                osImage(
                        "Red Hat Enterprise Linux CoreOS 416.94.202407081958-0",
                        "5.14.0-427.26.1.el9_4.x86_64",
                        "rhcos",
                        "416.94.202407081958-0",
                        IMMUTABLE),
                osImage(
                        "Red Hat Enterprise Linux CoreOS 414.92.202308151250-0 (Plow)",
                        "5.14.0-284.25.1.el9_2.ppc64le",
                        "rhcos",
                        "414.92.202308151250-0",
                        IMMUTABLE),
                osImage(
                        "CentOS Stream CoreOS 412.9.202211241749-0",
                        "5.14.0-210.el9.x86_64",
                        "rhcos",
                        "412.9.202211241749-0",
                        IMMUTABLE),
                osImage(
                        "SUSE Linux Enterprise Micro 5.4",
                        "5.14.21-150400.24.97-default",
                        "sle-micro",
                        "5.4",
                        IMMUTABLE),
                osImage("SUSE Linux Enterprise Micro 6.0", "6.4.0-17-default", "sle-micro", "6.0", IMMUTABLE),
                osImage("SUSE Linux Micro 6.1", "6.4.0-25-default", "sle-micro", "6.1", IMMUTABLE),
                osImage("openSUSE Leap Micro 6.0", "6.4.0-10-default", "sle-micro", "6.0", IMMUTABLE),
                osImage("openSUSE MicroOS", "6.11.5-1-default", "opensuse-microos", null, IMMUTABLE),
                osImage("Ubuntu Core 22", "5.15.0-97-generic", "ubuntu-core", "22", IMMUTABLE),
                osImage("Ubuntu 24.04.1 LTS", "6.8.0-1015-azure", "ubuntu", "24.04.1", MUTABLE),
                osImage("Ubuntu 22.04.3 LTS", "5.15.0-1052-azure", "ubuntu", "22.04.3", MUTABLE),
                osImage("Debian GNU/Linux 11 (bullseye)", "5.10.0-28-cloud-amd64", "debian", "11", MUTABLE),
                osImage("CentOS Stream 9", "5.14.0-432.el9.x86_64", "centos", "9", MUTABLE),
                osImage("CentOS Linux 7 (Core)", "3.10.0-1160.el7.x86_64", "centos", "7", MUTABLE),
                osImage("Rocky Linux 8.10 (Green Obsidian)", "4.18.0-553.el8_10.x86_64", "rocky", "8.10", MUTABLE),
                osImage("AlmaLinux 9.4 (Seafoam Ocelot)", "5.14.0-427.13.1.el9_4.x86_64", "almalinux", "9.4", MUTABLE),
                osImage("Oracle Linux Server 8.9", "5.15.0-205.149.5.el8uek.x86_64", "oracle", "8.9", MUTABLE),
                osImage("SUSE Linux Enterprise Server 15 SP6", "6.4.0-150600.23.7-default", "sles", "15.6", MUTABLE),
                osImage("Amazon Linux 2", "5.10.217-205.860.amzn2.x86_64", "amazon", "2", MUTABLE),
                osImage("Amazon Linux 2023", "6.1.94-99.176.amzn2023.x86_64", "amazon", "2023", MUTABLE),
                osImage(
                        "Amazon Linux 2023.4.20240401",
                        "6.1.82-99.168.amzn2023.x86_64",
                        "amazon",
                        "2023.4.20240401",
                        MUTABLE),
                osImage("Azure Linux 3.0", "6.6.47.1-1.azl3", "azure-linux", "3.0", MUTABLE),
                osImage("Microsoft Azure Linux 3.0", "6.6.57.1-7.azl3", "azure-linux", "3.0", MUTABLE),
                osImage("CBL-Mariner/Linux", "5.15.160.1-1.cm2", "azure-linux", null, MUTABLE),
                osImage("Windows Server 2022 Datacenter", "10.0.20348.1787", "windows", "2022", MUTABLE),
                osImage("Windows Server 2025 Datacenter", "10.0.26100.2605", "windows", "2025", MUTABLE));
    }

    private static Arguments osRelease(
            String label, String text, String family, String version, Mutability mutability, String evidence) {
        return Arguments.of(label, text, family, version, mutability, evidence);
    }

    private static Arguments osImage(
            String osImage, String kernelVersion, String family, String version, Mutability mutability) {
        return Arguments.of(osImage, kernelVersion, family, version, mutability);
    }
}
