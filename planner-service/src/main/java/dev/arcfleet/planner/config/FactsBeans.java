package dev.arcfleet.planner.config;

import dev.arcfleet.facts.classify.OsClassifier;
import dev.arcfleet.facts.normalize.FactsNormalizer;
import dev.arcfleet.facts.normalize.RegistrationValidator;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The shared registration validation and normalization, for previews of raw registrations. */
public class FactsBeans {
    @Produces
    @Singleton
    FactsNormalizer factsNormalizer() {
        return new FactsNormalizer(new OsClassifier());
    }

    @Produces
    @Singleton
    RegistrationValidator registrationValidator() {
        return new RegistrationValidator();
    }
}
