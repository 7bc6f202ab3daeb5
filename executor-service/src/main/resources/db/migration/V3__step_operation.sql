-- The ARM long-running operation a step is waiting on (resource id and its Azure-AsyncOperation or Location URL), so a
-- restarted executor keeps polling the same operation instead of sending the PUT again.
alter table execution_step add column operation text;
