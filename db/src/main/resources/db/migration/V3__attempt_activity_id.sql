-- Stage attempts keyed by Temporal's own scheduling. After a retryStage signal the workflow schedules the stage's
-- activity again, and Temporal's attempt counter starts over at 1; so (activity id, Temporal attempt) names one
-- execution, and the registry's attempt number is the stage's running count (1 + the stage's highest so far).
-- Rows written before this migration keep both columns NULL.

ALTER TABLE stage_attempts
    ADD COLUMN activity_id      text,
    ADD COLUMN temporal_attempt integer;

ALTER TABLE stage_attempts
    ADD CONSTRAINT stage_attempts_activity_attempt_key UNIQUE (run_id, stage, activity_id, temporal_attempt),
    ADD CONSTRAINT stage_attempts_activity_id_with_attempt
        CHECK ((activity_id IS NULL) = (temporal_attempt IS NULL)),
    ADD CONSTRAINT stage_attempts_activity_id_not_blank CHECK (activity_id IS NULL OR btrim(activity_id) <> ''),
    ADD CONSTRAINT stage_attempts_temporal_attempt_positive CHECK (temporal_attempt IS NULL OR temporal_attempt >= 1);

-- The same history rule as V1, now covering the new columns: which Temporal execution an attempt was is as
-- fixed as who ran it.
CREATE OR REPLACE FUNCTION stage_attempts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'stage_attempts is append-only: attempt % of stage % cannot be deleted',
            OLD.attempt, OLD.stage USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.ended_at IS NOT NULL
       OR NEW.run_id <> OLD.run_id OR NEW.stage <> OLD.stage OR NEW.attempt <> OLD.attempt
       OR NEW.worker_identity <> OLD.worker_identity OR NEW.task_queue <> OLD.task_queue
       OR NEW.started_at <> OLD.started_at
       OR NEW.activity_id IS DISTINCT FROM OLD.activity_id
       OR NEW.temporal_attempt IS DISTINCT FROM OLD.temporal_attempt THEN
        RAISE EXCEPTION 'stage_attempts is append-only: attempt % of stage % can only be closed once',
            OLD.attempt, OLD.stage USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
