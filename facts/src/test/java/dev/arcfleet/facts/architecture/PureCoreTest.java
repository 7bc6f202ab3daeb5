package dev.arcfleet.facts.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The facts module (OS classification, normalization, validation) is pure: shared by REST, Kafka and imports alike. */
class PureCoreTest {
    @Test
    void factsImportNoFrameworkOrClient() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.quarkus..",
                        "jakarta..",
                        "org.apache.kafka..",
                        "io.smallrye..",
                        "org.hibernate..",
                        "io.vertx..",
                        "io.fabric8..",
                        "com.azure..")
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.arcfleet.facts"));
    }
}
