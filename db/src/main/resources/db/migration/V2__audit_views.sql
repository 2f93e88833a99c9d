-- Views for analysts: one row per run, and one row per stage attempt. Durations are in seconds.

CREATE VIEW run_summary AS
SELECT r.workflow_id,
       r.status,
       r.backbone,
       r.dataset_name,
       r.dataset_id,
       r.code_version,
       r.config_hash,
       r.created_at,
       r.started_at,
       r.ended_at,
       extract(epoch FROM r.ended_at - r.started_at)::double precision AS duration_s,
       r.error,
       a.current_stage,
       coalesce(a.attempts, 0)        AS attempts,
       coalesce(a.failed_attempts, 0) AS failed_attempts,
       m.last_iteration,
       m.last_epoch,
       coalesce(c.checkpoints, 0)     AS checkpoints,
       l.iteration                    AS latest_checkpoint_iteration,
       lc.object_key                  AS latest_checkpoint_key,
       coalesce(e.evaluations, 0)     AS evaluations,
       e.best_accuracy,
       e.best_weighted_f1,
       e.best_macro_f1,
       e.best_map,
       e.best_coco_ap,
       r.id                           AS run_id
FROM runs r
LEFT JOIN LATERAL (
    SELECT count(*) AS attempts,
           count(*) FILTER (WHERE sa.outcome IN ('failed', 'timed_out', 'cancelled')) AS failed_attempts,
           (array_agg(sa.stage ORDER BY sa.started_at DESC, sa.attempt DESC))[1] AS current_stage
    FROM stage_attempts sa WHERE sa.run_id = r.id
) a ON true
LEFT JOIN LATERAL (
    SELECT max(tm.iteration) AS last_iteration, max(tm.epoch) AS last_epoch
    FROM training_metrics tm WHERE tm.run_id = r.id
) m ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS checkpoints FROM checkpoints ck WHERE ck.run_id = r.id
) c ON true
LEFT JOIN latest_checkpoints l ON l.run_id = r.id
LEFT JOIN checkpoints lc ON lc.id = l.checkpoint_id
LEFT JOIN LATERAL (
    SELECT count(*) AS evaluations,
           max(ev.accuracy) AS best_accuracy, max(ev.weighted_f1) AS best_weighted_f1,
           max(ev.macro_f1) AS best_macro_f1, max(ev.map) AS best_map, max(ev.coco_ap) AS best_coco_ap
    FROM evaluations ev WHERE ev.run_id = r.id
) e ON true;

CREATE VIEW stage_history AS
SELECT r.workflow_id,
       sa.stage,
       CASE sa.stage WHEN 'register' THEN 1 WHEN 'fetch_dataset' THEN 2 WHEN 'train' THEN 3
                     WHEN 'evaluate' THEN 4 WHEN 'register_metrics' THEN 5 END AS stage_order,
       sa.attempt,
       sa.worker_identity,
       sa.task_queue,
       sa.started_at,
       sa.ended_at,
       extract(epoch FROM sa.ended_at - sa.started_at)::double precision AS duration_s,
       coalesce(sa.outcome, 'running') AS outcome,
       sa.error_class,
       sa.error_message,
       sa.attempt = max(sa.attempt) OVER (PARTITION BY sa.run_id, sa.stage) AS is_last_attempt,
       r.id AS run_id
FROM stage_attempts sa
JOIN runs r ON r.id = sa.run_id;
