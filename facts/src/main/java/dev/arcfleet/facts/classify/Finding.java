package dev.arcfleet.facts.classify;

import dev.arcfleet.contracts.Mutability;

/** One source's conclusion: the family, the mutability it implies, and the fact that said so. */
record Finding(OsFamily family, Mutability mutability, String evidence) {

    static Finding of(OsFamily family, String evidence) {
        return new Finding(family, family.mutability(), evidence);
    }
}
