package dev.arcfleet.executor.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The routes (what each route sends to Azure and to clusters, step by step) are a pure core: plain Java over the
 * contracts, tested as such (RouteContractTest), with no framework, client or adapter of the executor behind them.
 */
class PureCoreTest {
    static final JavaClasses EXECUTOR = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.arcfleet.executor");

    @Test
    void routesImportNoFrameworkClientOrAdapter() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.arcfleet.executor.route..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "io.fabric8..",
                        "com.azure..", "org.apache.kafka..", "io.smallrye..", "org.hibernate..", "io.vertx..",
                        "dev.arcfleet.executor.service..", "dev.arcfleet.executor.persistence..",
                        "dev.arcfleet.executor.azure..", "dev.arcfleet.executor.kube..", "dev.arcfleet.executor.messaging..",
                        "dev.arcfleet.executor.rest..");
        rule.check(EXECUTOR);
    }

    @Test
    void theServiceSharesOnlyContractsFactsAndServiceSupport() {
        noClasses().that().resideInAPackage("dev.arcfleet.executor..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.arcfleet.inventory..", "dev.arcfleet.planner..", "dev.arcfleet.testsupport..",
                        "dev.arcfleet.local..", "dev.arcfleet.ops..")
                .check(EXECUTOR);
    }
}
