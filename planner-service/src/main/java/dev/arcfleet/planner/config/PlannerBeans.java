package dev.arcfleet.planner.config;

import dev.arcfleet.planner.decide.DecisionEngine;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The pure decision engine as a bean. */
public class PlannerBeans {
    @Produces
    @Singleton
    DecisionEngine decisionEngine() {
        return new DecisionEngine();
    }
}
