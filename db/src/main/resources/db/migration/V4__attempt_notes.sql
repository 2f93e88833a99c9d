-- What an attempt noticed and did about it, in words: a checkpoint it found corrupt and skipped, the checkpoint it
-- resumed from. Written while the attempt runs, so an attempt that is killed later keeps it. Lines are only ever
-- appended; once the attempt is closed the note is as fixed as the rest of the row.

ALTER TABLE stage_attempts ADD COLUMN note text;

ALTER TABLE stage_attempts
    ADD CONSTRAINT stage_attempts_note_not_blank CHECK (note IS NULL OR btrim(note) <> '');

-- V3's history rule, now also keeping what a note already says: it may grow while the attempt is open, never shrink
-- or change.
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
    IF OLD.note IS NOT NULL AND (NEW.note IS NULL OR left(NEW.note, length(OLD.note)) <> OLD.note) THEN
        RAISE EXCEPTION 'stage_attempts is append-only: the note of attempt % of stage % can only grow',
            OLD.attempt, OLD.stage USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

-- The analysts' view of attempts shows the note too (a new column goes last: CREATE OR REPLACE VIEW keeps the
-- existing ones in place).
CREATE OR REPLACE VIEW stage_history AS
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
       r.id AS run_id,
       sa.note
FROM stage_attempts sa
JOIN runs r ON r.id = sa.run_id;
