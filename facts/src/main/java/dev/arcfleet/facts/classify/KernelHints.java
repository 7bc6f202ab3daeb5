package dev.arcfleet.facts.classify;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Families a kernel release string gives away by its vendor suffix ({@code 6.6.58-talos}, {@code 6.6.48-flatcar}).
 * Only image-based families are listed: a kernel string alone never makes a host count as mutable, because the same
 * distribution kernels ({@code .el9}, {@code -generic}, {@code .amzn2023}) also boot image-based hosts.
 */
final class KernelHints {
    private record KernelPattern(Pattern pattern, OsFamily family) {}

    private static final List<KernelPattern> PATTERNS = List.of(
            new KernelPattern(Pattern.compile("-talos\\b", Pattern.CASE_INSENSITIVE), OsFamily.TALOS),
            new KernelPattern(Pattern.compile("-flatcar\\b", Pattern.CASE_INSENSITIVE), OsFamily.FLATCAR),
            new KernelPattern(Pattern.compile("-coreos\\b", Pattern.CASE_INSENSITIVE), OsFamily.FLATCAR));

    private KernelHints() {}

    static Optional<OsFamily> familyOf(String kernelVersion) {
        if (kernelVersion == null) {
            return Optional.empty();
        }
        return PATTERNS.stream()
                .filter(p -> p.pattern().matcher(kernelVersion).find())
                .findFirst()
                .map(KernelPattern::family);
    }
}
