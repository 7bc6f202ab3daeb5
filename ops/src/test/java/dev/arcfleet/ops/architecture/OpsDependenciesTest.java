package dev.arcfleet.ops.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The operator tools build on {@code contracts} and {@code service-support} only: they import nothing of the services
 * (inventory-service serves them and gives them its projection through {@code ExecutionsNeedingAttention}).
 */
class OpsDependenciesTest {
    static final JavaClasses OPS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.arcfleet.ops");

    @Test
    void importNothingOfTheServices() {
        noClasses()
                .that()
                .resideInAPackage("dev.arcfleet.ops..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.arcfleet.inventory..",
                        "dev.arcfleet.planner..",
                        "dev.arcfleet.executor..",
                        "dev.arcfleet.facts..",
                        "dev.arcfleet.testsupport..",
                        "dev.arcfleet.local..")
                .check(OPS);
    }
}
