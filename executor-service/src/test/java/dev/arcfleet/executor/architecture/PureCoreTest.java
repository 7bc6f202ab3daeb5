package dev.arcfleet.executor.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The routes (what each route sends to Azure and to clusters, step by step) and the step engine's rules (what an
 * outcome does to an execution) are a pure core: plain Java over the contracts, tested as such (RouteContractTest,
 * StepTransitionsTest), with no framework, client or adapter of the executor behind them.
 */
class PureCoreTest {
    static final JavaClasses EXECUTOR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.arcfleet.executor");

    @Test
    void routesImportNoFrameworkClientOrAdapter() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage("dev.arcfleet.executor.route..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.quarkus..",
                        "jakarta..",
                        "io.fabric8..",
                        "com.azure..",
                        "org.apache.kafka..",
                        "io.smallrye..",
                        "org.hibernate..",
                        "io.vertx..",
                        "dev.arcfleet.executor.execution..",
                        "dev.arcfleet.executor.intake..",
                        "dev.arcfleet.executor.control..",
                        "dev.arcfleet.executor.apply..",
                        "dev.arcfleet.executor.reconcile..",
                        "dev.arcfleet.executor.azure..",
                        "dev.arcfleet.executor.kube..",
                        "dev.arcfleet.executor.config..");
        rule.check(EXECUTOR);
    }

    @Test
    void theStepEngineRulesArePlainJavaOverTheContracts() {
        classes()
                .that()
                .resideInAPackage("dev.arcfleet.executor.engine..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        "dev.arcfleet.contracts..",
                        "dev.arcfleet.executor.engine..",
                        "dev.arcfleet.support.retry..")
                .check(EXECUTOR);
    }

    @Test
    void theAppliersKnowNoRouteEachRouteFillsInItsOwnPlaceholders() {
        noClasses()
                .that()
                .resideInAPackage("dev.arcfleet.executor.apply..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.arcfleet.executor.route.arck8s..",
                        "dev.arcfleet.executor.route.companionvm..",
                        "dev.arcfleet.executor.route.iotops..")
                .check(EXECUTOR);
    }

    @Test
    void theServiceSharesOnlyContractsFactsAndServiceSupport() {
        noClasses()
                .that()
                .resideInAPackage("dev.arcfleet.executor..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.arcfleet.inventory..",
                        "dev.arcfleet.planner..",
                        "dev.arcfleet.testsupport..",
                        "dev.arcfleet.local..",
                        "dev.arcfleet.ops..")
                .check(EXECUTOR);
    }
}
