-- Lost work. An attempt whose worker was killed, or that Temporal timed out while its body still ran, was left open
-- (ended_at NULL) for good: stage_history showed it 'running' on a run long finished, and failed_attempts did not
-- count it. From V7 such an attempt is closed as 'lost', with why in error_class/error_message:
--   superseded     a later attempt of the same stage started while it was open: Temporal timed it out (no heartbeat,
--                  or no completion within the stage's timeout) because its worker died, was cut off or stalled
--   run_ended      the run ended while it was open: nothing was left to close it, its worker is gone
--   workflow_lost  the run itself was marked lost (below)
-- A run whose workflow Temporal no longer knows (the embedded stack's in-memory Temporal restarted) ends as 'lost',
-- a terminal status, with the reason in runs.error.

ALTER TABLE stage_attempts
    DROP CONSTRAINT stage_attempts_outcome_known,
    ADD CONSTRAINT stage_attempts_outcome_known
        CHECK (outcome IS NULL OR outcome IN ('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')),
    ADD CONSTRAINT stage_attempts_lost_has_reason
        CHECK (outcome IS DISTINCT FROM 'lost' OR (error_class IS NOT NULL AND error_message IS NOT NULL));

ALTER TABLE runs
    DROP CONSTRAINT runs_status_known,
    DROP CONSTRAINT runs_ended_iff_terminal,
    ADD CONSTRAINT runs_status_known
        CHECK (status IN ('registered', 'running', 'waiting', 'succeeded', 'failed', 'aborted', 'lost')),
    ADD CONSTRAINT runs_ended_iff_terminal
        CHECK ((status IN ('succeeded', 'failed', 'aborted', 'lost')) = (ended_at IS NOT NULL)),
    ADD CONSTRAINT runs_lost_has_error CHECK (status <> 'lost' OR error IS NOT NULL);

-- V1's rule with 'lost' among the endings: a lost run stays lost.
CREATE OR REPLACE FUNCTION runs_history_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'run % cannot be deleted: the registry keeps every run', OLD.workflow_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.workflow_id <> OLD.workflow_id OR NEW.request <> OLD.request OR NEW.config_hash <> OLD.config_hash
       OR NEW.code_version <> OLD.code_version OR NEW.backbone <> OLD.backbone
       OR NEW.dataset_name <> OLD.dataset_name OR NEW.created_at <> OLD.created_at
       OR (OLD.dataset_id IS NOT NULL AND NEW.dataset_id IS DISTINCT FROM OLD.dataset_id) THEN
        RAISE EXCEPTION 'run %: request, code version, config hash, dataset and creation time cannot change',
            OLD.workflow_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status IN ('succeeded', 'failed', 'aborted', 'lost') AND NEW.status <> OLD.status THEN
        RAISE EXCEPTION 'run % already ended as %; it cannot become %', OLD.workflow_id, OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

-- Attempts written before V7 that the new rules would have closed: those with a later attempt of their stage, then
-- those of runs that ended. They end when the evidence appeared (the successor's start, the run's end).
UPDATE stage_attempts sa
SET outcome = 'lost', ended_at = greatest(sa.started_at, n.started_at), error_class = 'superseded',
    error_message = 'attempt ' || n.attempt || ' of this stage started while this one was open: Temporal timed'
        || ' it out (no heartbeat or no completion within the stage''s timeout); its worker ' || sa.worker_identity
        || ' died, was cut off or stalled (closed by migration V7)'
FROM (SELECT DISTINCT ON (o.run_id, o.stage, o.attempt) o.run_id, o.stage, o.attempt AS open_attempt,
             later.attempt, later.started_at
      FROM stage_attempts o
      JOIN stage_attempts later ON later.run_id = o.run_id AND later.stage = o.stage AND later.attempt > o.attempt
      WHERE o.ended_at IS NULL
      ORDER BY o.run_id, o.stage, o.attempt, later.attempt) n
WHERE sa.run_id = n.run_id AND sa.stage = n.stage AND sa.attempt = n.open_attempt AND sa.ended_at IS NULL;

UPDATE stage_attempts sa
SET outcome = 'lost', ended_at = greatest(sa.started_at, r.ended_at), error_class = 'run_ended',
    error_message = 'the run ended (' || r.status || ') while this attempt was open: nothing was left to close it,'
        || ' its worker ' || sa.worker_identity || ' is gone (closed by migration V7)'
FROM runs r
WHERE r.id = sa.run_id AND sa.ended_at IS NULL AND r.ended_at IS NOT NULL;

-- failed_attempts now counts lost attempts too (an attempt that did not succeed and was not a stop); lost_attempts
-- says how many of them were lost. New columns go last: CREATE OR REPLACE VIEW keeps the existing ones in place.
CREATE OR REPLACE VIEW run_summary AS
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
       r.id                           AS run_id,
       coalesce(a.lost_attempts, 0)   AS lost_attempts
FROM runs r
LEFT JOIN LATERAL (
    SELECT count(*) AS attempts,
           count(*) FILTER (WHERE sa.outcome IN ('failed', 'timed_out', 'cancelled', 'lost')) AS failed_attempts,
           count(*) FILTER (WHERE sa.outcome = 'lost') AS lost_attempts,
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
