package dev.arcfleet.facts.classify;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognizes a family from a product name: a Kubernetes {@code osImage}, or os-release's {@code NAME} and
 * {@code PRETTY_NAME}. Names are matched on words, never on versions or code names, so new releases still match.
 * The order matters: more specific names come before the names they contain ("Fedora CoreOS" before "CoreOS",
 * "Ubuntu Core" before "Ubuntu", "SUSE Linux Enterprise Micro" before "SLES").
 */
final class ProductNames {
    private record NamePattern(Pattern pattern, OsFamily family) {}

    private static final List<NamePattern> PATTERNS = List.of(
            name("\\btalos\\b", OsFamily.TALOS),
            name("\\bflatcar\\b", OsFamily.FLATCAR),
            name("\\bkairos\\b", OsFamily.KAIROS),
            name("\\bbottlerocket\\b", OsFamily.BOTTLEROCKET),
            name("\\bfedora\\b.*\\bcoreos\\b", OsFamily.FEDORA_COREOS),
            name("\\bfedora\\b.*\\biot\\b", OsFamily.FEDORA_IOT),
            name("\\bred hat enterprise linux coreos\\b|\\brhcos\\b|\\bcentos stream coreos\\b", OsFamily.RHCOS),
            name("\\bcoreos\\b|\\bcontainer linux\\b", OsFamily.FLATCAR),
            name(
                    "\\bsuse linux (enterprise )?micro\\b|\\bsle[ -]?micro\\b|\\bsl-micro\\b|\\bleap micro\\b",
                    OsFamily.SLE_MICRO),
            name("\\bmicroos\\b", OsFamily.OPENSUSE_MICROOS),
            name("\\bubuntu core\\b", OsFamily.UBUNTU_CORE),
            name("\\bubuntu\\b", OsFamily.UBUNTU),
            name("\\bdebian\\b", OsFamily.DEBIAN),
            name("\\bred hat enterprise linux\\b|\\brhel\\b", OsFamily.RHEL),
            name("\\bcentos\\b", OsFamily.CENTOS),
            name("\\brocky linux\\b", OsFamily.ROCKY),
            name("\\balma ?linux\\b", OsFamily.ALMALINUX),
            name("\\boracle (enterprise )?linux\\b", OsFamily.ORACLE),
            name("\\bsuse linux enterprise server\\b|\\bsles\\b", OsFamily.SLES),
            name("\\bamazon linux\\b", OsFamily.AMAZON),
            name("\\bazure linux\\b|\\bcbl-mariner\\b|\\bmariner\\b", OsFamily.AZURE_LINUX),
            name("\\bwindows\\b", OsFamily.WINDOWS));

    private ProductNames() {}

    static Optional<OsFamily> familyOf(String productName) {
        if (productName == null) {
            return Optional.empty();
        }
        return PATTERNS.stream()
                .filter(p -> p.pattern().matcher(productName).find())
                .findFirst()
                .map(NamePattern::family);
    }

    private static NamePattern name(String regex, OsFamily family) {
        return new NamePattern(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), family);
    }
}
