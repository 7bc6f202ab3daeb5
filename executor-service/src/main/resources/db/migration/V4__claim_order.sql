-- Workers claim the due execution that is furthest along first (current_step desc, then next_run_at).
drop index if exists execution_runnable;
create index execution_runnable on execution (current_step desc, next_run_at) where state in ('PENDING', 'RUNNING');
