package dev.arcfleet.planner.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

/**
 * The planner's decision rules (DecisionEngine, Policy), its plan book (PlanBook, PlanIds), its rollout rules
 * (Rollouts) and the hand-off kit builder are pure cores: plain Java over the contracts, tested as plain JUnit
 * (DecisionEngineTest, PlanBookTest, RolloutsTest, HandoffKitTest), with no framework, client, JSON library or adapter
 * (entity, bean, resource) behind them.
 */
class PureCoreTest {
    static final JavaClasses PLANNER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.arcfleet.planner");
    static final String[] FRAMEWORKS = {
        "io.quarkus..",
        "jakarta..",
        "org.apache.kafka..",
        "io.smallrye..",
        "org.hibernate..",
        "io.vertx..",
        "com.fasterxml.jackson..",
        "org.eclipse.microprofile.."
    };
    /** Frameworks and clients, and the planner's own adapters: entities, CDI beans, REST resources. */
    static final DescribedPredicate<JavaClass> FRAMEWORK_OR_ADAPTER = resideInAnyPackage(FRAMEWORKS)
            .or(assignableTo(PanacheEntityBase.class))
            .or(annotatedWith(ApplicationScoped.class))
            .or(annotatedWith(Path.class));

    @Test
    void decisionRulesImportNoFrameworkOrAdapter() {
        noClasses()
                .that()
                .resideInAPackage("dev.arcfleet.planner.decide..")
                .should()
                .dependOnClassesThat(FRAMEWORK_OR_ADAPTER)
                .check(PLANNER);
    }

    @Test
    void thePlanBookImportsNoFrameworkOrAdapter() {
        noClasses()
                .that()
                .haveFullyQualifiedName("dev.arcfleet.planner.plan.PlanBook")
                .or()
                .haveNameMatching("dev\\.arcfleet\\.planner\\.plan\\.PlanBook\\$.*")
                .or()
                .haveFullyQualifiedName("dev.arcfleet.planner.plan.PlanIds")
                .or()
                .haveFullyQualifiedName("dev.arcfleet.planner.plan.PlanState")
                .should()
                .dependOnClassesThat(FRAMEWORK_OR_ADAPTER)
                .check(PLANNER);
    }

    @Test
    void theRolloutRulesImportNoFrameworkOrAdapter() {
        noClasses()
                .that()
                .haveFullyQualifiedName("dev.arcfleet.planner.rollout.Rollouts")
                .or()
                .haveNameMatching("dev\\.arcfleet\\.planner\\.rollout\\.Rollouts\\$.*")
                .should()
                .dependOnClassesThat(FRAMEWORK_OR_ADAPTER)
                .check(PLANNER);
    }

    @Test
    void theHandOffKitBuilderImportsNoFrameworkOrAdapter() {
        noClasses()
                .that()
                .haveFullyQualifiedName("dev.arcfleet.planner.handoff.HandoffKit")
                .or()
                .haveFullyQualifiedName("dev.arcfleet.planner.handoff.HandoffKit$Entry")
                .or()
                .haveFullyQualifiedName("dev.arcfleet.planner.handoff.HandoffKit$Settings")
                .should()
                .dependOnClassesThat(FRAMEWORK_OR_ADAPTER)
                .check(PLANNER);
    }

    @Test
    void theServiceSharesOnlyContractsFactsAndServiceSupport() {
        noClasses()
                .that()
                .resideInAPackage("dev.arcfleet.planner..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.arcfleet.inventory..",
                        "dev.arcfleet.executor..",
                        "dev.arcfleet.testsupport..",
                        "dev.arcfleet.local..",
                        "dev.arcfleet.ops..")
                .check(PLANNER);
    }
}
