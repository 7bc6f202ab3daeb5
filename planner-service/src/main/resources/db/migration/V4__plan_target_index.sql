-- Each batch of node events reads the plans of its nodes and clusters by target (PlanningService.lookups): without an
-- index that is a scan of every plan per batch, which grows with the fleet's companion-VM nodes.
create index plan_target on plan (target_id);
