-- What the workers (role oneshot_worker, see roles.sql) may do to the registry. Run after every `oneshot db migrate`,
-- as the schema owner, in the schema the migrations created (search_path); safe to repeat.
--
-- Every table and view of the schema is named here, with its rights: WorkerRoleTest fails on one this file does
-- not mention, so a migration that adds a table decides its workers' rights here. The registry is history: rows
-- are appended and never deleted; the few updates a worker makes are granted column by column (the tables'
-- triggers then keep even those forward-only: an attempt closes once, a run's request never changes, the latest
-- checkpoint pointer only advances).

-- a worker started with ONESHOT_DB_MIGRATE=false validates the applied migrations against its own
GRANT SELECT ON flyway_schema_history TO oneshot_worker;

GRANT SELECT, INSERT ON datasets TO oneshot_worker;
-- the run's status, its error, its timestamps and its dataset link (set once)
GRANT SELECT, INSERT ON runs TO oneshot_worker;
GRANT UPDATE (status, error, started_at, ended_at, updated_at, dataset_id) ON runs TO oneshot_worker;
-- closing an attempt
GRANT SELECT, INSERT ON stage_attempts TO oneshot_worker;
GRANT UPDATE (ended_at, outcome, error_class, error_message) ON stage_attempts TO oneshot_worker;
GRANT SELECT, INSERT ON training_metrics TO oneshot_worker;
GRANT SELECT, INSERT ON checkpoints TO oneshot_worker;
-- the compare-and-set that advances a run's latest checkpoint
GRANT SELECT, INSERT ON latest_checkpoints TO oneshot_worker;
GRANT UPDATE (checkpoint_id, iteration, updated_at) ON latest_checkpoints TO oneshot_worker;
GRANT SELECT, INSERT ON evaluations TO oneshot_worker;
GRANT SELECT, INSERT ON model_versions TO oneshot_worker;
-- promoting a checkpoint moves the model's alias (best, latest) to its version
GRANT SELECT, INSERT ON model_aliases TO oneshot_worker;
GRANT UPDATE (version, updated_at) ON model_aliases TO oneshot_worker;
-- a sweep records itself and its points once, then only its ending
GRANT SELECT, INSERT ON sweeps TO oneshot_worker;
GRANT UPDATE (status, ended_at) ON sweeps TO oneshot_worker;
GRANT SELECT, INSERT ON sweep_children TO oneshot_worker;

-- the analysts' views (`oneshot runs`)
GRANT SELECT ON run_summary, stage_history, sweep_summary TO oneshot_worker;
