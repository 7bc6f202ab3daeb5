package dev.arcfleet.contracts;

import java.util.Set;

/**
 * CloudEvents {@code type} values (binary mode, {@code ce_type} header). The version is part of the type:
 * a consumer dead-letters a type it does not know.
 */
public final class EventTypes {
    public static final String REGISTRATION_SUBMITTED = "dev.arcfleet.registration.submitted.v1";
    public static final String NODE_FACTS = "dev.arcfleet.node.facts.v1";
    public static final String NODE_RETIRED = "dev.arcfleet.node.retired.v1";
    public static final String PLAN_CREATED = "dev.arcfleet.plan.created.v1";
    public static final String STATUS = "dev.arcfleet.onboarding.status.v1";
    public static final String ROLLOUT_STATE = "dev.arcfleet.rollout.state.v1";

    public static final Set<String> NODE_STREAM = Set.of(NODE_FACTS, NODE_RETIRED);

    /** Header names of binary-mode CloudEvents on Kafka. */
    public static final String CE_ID = "ce_id";

    public static final String CE_TYPE = "ce_type";
    public static final String CE_SOURCE = "ce_source";
    public static final String CE_TIME = "ce_time";
    public static final String CE_SPECVERSION = "ce_specversion";
    public static final String CE_SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";
    /** Extension attribute carrying the id minted at registration through plan, steps and status. */
    public static final String CE_CORRELATION_ID = "ce_correlationid";

    private EventTypes() {}
}
