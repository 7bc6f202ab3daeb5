package dev.arcfleet.inventory.registrations;

import dev.arcfleet.facts.classify.OsClassifier;
import dev.arcfleet.facts.normalize.FactsNormalizer;
import dev.arcfleet.facts.normalize.RegistrationValidator;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The inventory's pure classes, as beans. */
public class InventoryBeans {
    @Produces
    @Singleton
    OsClassifier osClassifier() {
        return new OsClassifier();
    }

    @Produces
    @Singleton
    FactsNormalizer factsNormalizer(OsClassifier classifier) {
        return new FactsNormalizer(classifier);
    }

    @Produces
    @Singleton
    RegistrationValidator registrationValidator() {
        return new RegistrationValidator();
    }
}
