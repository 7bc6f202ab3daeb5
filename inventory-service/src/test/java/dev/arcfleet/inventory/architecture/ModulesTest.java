package dev.arcfleet.inventory.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The inventory shares only {@code contracts}, {@code facts} and {@code service-support} with the other services, and
 * serves the operator tools of {@code ops} (the one service that uses that module).
 */
class ModulesTest {
    static final JavaClasses INVENTORY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.arcfleet.inventory");

    @Test
    void theServiceSharesOnlyContractsFactsServiceSupportAndOps() {
        noClasses()
                .that()
                .resideInAPackage("dev.arcfleet.inventory..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.arcfleet.planner..",
                        "dev.arcfleet.executor..",
                        "dev.arcfleet.testsupport..",
                        "dev.arcfleet.local..")
                .check(INVENTORY);
    }
}
