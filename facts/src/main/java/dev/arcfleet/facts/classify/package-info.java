/**
 * OS identity: turns what a node reports ({@code /etc/os-release}, Kubernetes {@code osImage}, {@code kernelVersion},
 * host probes) into a family, version and mutability, with the facts that decided it. Pure logic, no framework.
 *
 * <p>Decisions taken where the sources leave a choice (docs/os-identities.md lists them too):
 * <ul>
 *   <li>openSUSE Leap Micro ({@code ID=opensuse-leap-micro}) is {@code sle-micro}: it is the community build of SLE
 *       Micro from the same sources and versions, whereas openSUSE MicroOS is the rolling, Tumbleweed-based one.
 *       SUSE Linux Micro 6 ({@code ID=sl-micro}) and SLE Micro 5.0/5.1 ({@code ID=suse-microos}) are {@code sle-micro}
 *       too.</li>
 *   <li>{@code VARIANT_ID=coreos} with an ID other than fedora, rhcos or rhel takes the closest relative: a RHEL or
 *       CentOS lineage (CentOS Stream CoreOS, {@code ID=scos} or {@code ID=centos}, the upstream of RHCOS for OKD) is
 *       {@code rhcos}, a Fedora lineage is {@code fedora-coreos}, anything else is {@code unknown} but IMMUTABLE.</li>
 *   <li>CoreOS Container Linux ({@code ID=coreos}, "Container Linux by CoreOS", {@code -coreos} kernels) is
 *       {@code flatcar}, its continuation with the same image-based design.</li>
 *   <li>Fedora Atomic desktops (Silverblue, Kinoite, {@code *-atomic}) are {@code bootc}: image-based Fedora.</li>
 *   <li>Distributions with no family of their own (plain Fedora, openSUSE Leap or Tumbleweed, Alpine, Arch...) are
 *       {@code unknown}, mutability UNKNOWN unless a probe shows an image-based host: naming one after a relative in
 *       {@code ID_LIKE} would guess it mutable.</li>
 *   <li>A kernel string hints only at image-based families (Talos, Flatcar), never at a mutable one.</li>
 * </ul>
 */
package dev.arcfleet.facts.classify;
