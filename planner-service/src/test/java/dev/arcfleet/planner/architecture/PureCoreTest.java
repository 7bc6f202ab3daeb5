package dev.arcfleet.planner.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The planner's decision rules (DecisionEngine, Policy) and the hand-off kit builder are pure cores: plain Java over
 * the contracts, tested as plain JUnit (DecisionEngineTest, HandoffKitTest), with no framework or client behind them.
 */
class PureCoreTest {
    static final JavaClasses PLANNER = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.arcfleet.planner");
    static final String[] FRAMEWORKS = {"io.quarkus..", "jakarta..", "org.apache.kafka..", "io.smallrye..",
            "org.hibernate..", "io.vertx..", "dev.arcfleet.planner.service..", "dev.arcfleet.planner.persistence..",
            "dev.arcfleet.planner.messaging..", "dev.arcfleet.planner.rest.."};

    @Test
    void decisionRulesImportNoFrameworkOrAdapter() {
        noClasses().that().resideInAPackage("dev.arcfleet.planner.decide..").should().dependOnClassesThat()
                .resideInAnyPackage(FRAMEWORKS).check(PLANNER);
    }

    @Test
    void theHandOffKitBuilderImportsNoFrameworkOrAdapter() {
        noClasses().that().haveFullyQualifiedName("dev.arcfleet.planner.handoff.HandoffKit")
                .or().haveFullyQualifiedName("dev.arcfleet.planner.handoff.HandoffKit$Entry")
                .or().haveFullyQualifiedName("dev.arcfleet.planner.handoff.HandoffKit$Settings")
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS).check(PLANNER);
    }

    @Test
    void theServiceSharesOnlyContractsFactsAndServiceSupport() {
        noClasses().that().resideInAPackage("dev.arcfleet.planner..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.arcfleet.inventory..", "dev.arcfleet.executor..", "dev.arcfleet.testsupport..",
                        "dev.arcfleet.local..", "dev.arcfleet.ops..")
                .check(PLANNER);
    }
}
