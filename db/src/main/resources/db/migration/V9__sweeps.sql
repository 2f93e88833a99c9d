-- Sweeps: one TrainingSweep workflow and its points, each point trained by one child TrainingPipeline whose id is
-- <sweep>-<k> (k zero-padded to three digits). The sweep records itself and every point before it starts a child;
-- each child registers its own runs row later, under its workflow id, so sweep_children names the child by that id
-- and the view joins runs on it (a point whose child has not registered yet has no runs row).
-- (V8 is left to the checkpoint evaluations written on another branch.)

CREATE TABLE sweeps (
    id              bigint      GENERATED ALWAYS AS IDENTITY,
    workflow_id     text        NOT NULL,
    temporal_run_id text,
    input           jsonb       NOT NULL,
    -- the metric the sweep ranks by as the input named it; NULL: weighted_f1, which every evaluation row has
    metric          text,
    split           text        NOT NULL,
    max_concurrent  integer     NOT NULL,
    status          text        NOT NULL DEFAULT 'running',
    created_at      timestamptz NOT NULL DEFAULT now(),
    ended_at        timestamptz,
    CONSTRAINT sweeps_pkey PRIMARY KEY (id),
    CONSTRAINT sweeps_workflow_id_key UNIQUE (workflow_id),
    CONSTRAINT sweeps_workflow_id_not_blank CHECK (btrim(workflow_id) <> ''),
    CONSTRAINT sweeps_input_is_object CHECK (jsonb_typeof(input) = 'object'),
    CONSTRAINT sweeps_metric_not_blank CHECK (metric IS NULL OR btrim(metric) <> ''),
    CONSTRAINT sweeps_split_not_blank CHECK (btrim(split) <> ''),
    CONSTRAINT sweeps_max_concurrent_positive CHECK (max_concurrent >= 1),
    -- the sweep's own ending (TrainingSweep's SweepResult.status), not its children's
    CONSTRAINT sweeps_status_known CHECK (status IN ('running', 'completed', 'stopped', 'aborted', 'cancelled')),
    CONSTRAINT sweeps_ended_iff_terminal CHECK ((status <> 'running') = (ended_at IS NOT NULL)),
    CONSTRAINT sweeps_ended_after_created CHECK (ended_at IS NULL OR ended_at >= created_at)
);

CREATE INDEX sweeps_created_at_idx ON sweeps (created_at);

CREATE TABLE sweep_children (
    sweep_id    bigint  NOT NULL,
    k           integer NOT NULL,
    workflow_id text    NOT NULL,
    -- the varied fields and their values, in the sweep's field order (the rest of the child's input is the base)
    point       jsonb   NOT NULL,
    CONSTRAINT sweep_children_pkey PRIMARY KEY (sweep_id, k),
    CONSTRAINT sweep_children_workflow_id_key UNIQUE (workflow_id),
    CONSTRAINT sweep_children_sweep_fkey FOREIGN KEY (sweep_id) REFERENCES sweeps (id),
    CONSTRAINT sweep_children_k_positive CHECK (k >= 1),
    CONSTRAINT sweep_children_workflow_id_not_blank CHECK (btrim(workflow_id) <> ''),
    CONSTRAINT sweep_children_point_is_object CHECK (jsonb_typeof(point) = 'object')
);

-- A sweep is history like a run: what it was asked to do never changes, its points are never edited or deleted,
-- and an ended sweep stays ended.
CREATE FUNCTION sweeps_history_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'sweep % cannot be deleted: the registry keeps every sweep', OLD.workflow_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.workflow_id <> OLD.workflow_id OR NEW.input <> OLD.input OR NEW.metric IS DISTINCT FROM OLD.metric
       OR NEW.split <> OLD.split OR NEW.max_concurrent <> OLD.max_concurrent OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'sweep %: input, metric, split, concurrency and creation time cannot change',
            OLD.workflow_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status <> 'running' AND NEW.status <> OLD.status THEN
        RAISE EXCEPTION 'sweep % already ended as %; it cannot become %', OLD.workflow_id, OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER sweeps_history_immutable
    BEFORE UPDATE OR DELETE ON sweeps
    FOR EACH ROW EXECUTE FUNCTION sweeps_history_immutable();

CREATE FUNCTION sweep_children_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'sweep_children is append-only: point % of sweep % cannot be changed or deleted',
        OLD.k, OLD.sweep_id USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER sweep_children_append_only
    BEFORE UPDATE OR DELETE ON sweep_children
    FOR EACH ROW EXECUTE FUNCTION sweep_children_append_only();

-- One evaluation's value of a metric named as the workflow names it (the evaluations column of that name); NULL for
-- a name that is no such metric. Spelled out rather than looked up dynamically so that a sweep's metric can only
-- ever pick one of these columns.
CREATE FUNCTION evaluation_metric(ev evaluations, metric text) RETURNS double precision
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE metric
        WHEN 'accuracy' THEN ev.accuracy
        WHEN 'weighted_f1' THEN ev.weighted_f1
        WHEN 'macro_f1' THEN ev.macro_f1
        WHEN 'sensitivity_normal' THEN ev.sensitivity_normal
        WHEN 'sensitivity_cp' THEN ev.sensitivity_cp
        WHEN 'sensitivity_covid' THEN ev.sensitivity_covid
        WHEN 'precision_normal' THEN ev.precision_normal
        WHEN 'precision_cp' THEN ev.precision_cp
        WHEN 'precision_covid' THEN ev.precision_covid
        WHEN 'ap50' THEN ev.ap50
        WHEN 'ap75' THEN ev.ap75
        WHEN 'map' THEN ev.map
        WHEN 'coco_ap' THEN ev.coco_ap
        WHEN 'coco_ap50' THEN ev.coco_ap50
        WHEN 'coco_ap75' THEN ev.coco_ap75
    END
$$;

-- One row per point of every sweep:
--   status        the child's run status; 'pending' before the child registered, 'skipped' when the sweep ended
--                 without starting it
--   metric        the sweep's ranking metric (weighted_f1 when the input named none)
--   best_val      the best value of that metric over the run's evaluations on split 'val' (any checkpoint); NULL
--                 when it has none
--   split_value   the metric on the newest evaluation of the sweep's split (test unless the input says otherwise),
--                 whose other headline figures follow (accuracy .. coco_ap, eval_iteration: its checkpoint)
--   rank          1 = best: by best_val, then split_value, higher first; ties share a rank; NULL for a child with
--                 neither (it is not ranked)
CREATE VIEW sweep_summary AS
SELECT s.workflow_id AS sweep_id,
       c.k,
       c.workflow_id,
       c.point,
       CASE WHEN r.id IS NOT NULL THEN r.status
            WHEN s.ended_at IS NOT NULL THEN 'skipped'
            ELSE 'pending' END AS status,
       coalesce(s.metric, 'weighted_f1') AS metric,
       v.best_val,
       s.split,
       evaluation_metric(t.ev, coalesce(s.metric, 'weighted_f1')) AS split_value,
       (t.ev).accuracy,
       (t.ev).weighted_f1,
       (t.ev).macro_f1,
       (t.ev).ap50,
       (t.ev).map,
       (t.ev).coco_ap,
       t.iteration AS eval_iteration,
       CASE WHEN v.best_val IS NULL AND evaluation_metric(t.ev, coalesce(s.metric, 'weighted_f1')) IS NULL THEN NULL
            ELSE rank() OVER (PARTITION BY s.id ORDER BY v.best_val DESC NULLS LAST,
                evaluation_metric(t.ev, coalesce(s.metric, 'weighted_f1')) DESC NULLS LAST) END AS rank,
       s.status AS sweep_status,
       r.error,
       r.id AS run_id
FROM sweep_children c
JOIN sweeps s ON s.id = c.sweep_id
LEFT JOIN runs r ON r.workflow_id = c.workflow_id
LEFT JOIN LATERAL (
    SELECT max(evaluation_metric(ev, coalesce(s.metric, 'weighted_f1'))) AS best_val
    FROM evaluations ev WHERE ev.run_id = r.id AND ev.split = 'val'
) v ON true
LEFT JOIN LATERAL (
    SELECT ev, ck.iteration
    FROM evaluations ev JOIN checkpoints ck ON ck.id = ev.checkpoint_id
    WHERE ev.run_id = r.id AND ev.split = s.split
    ORDER BY ck.iteration DESC, ck.attempt DESC, ev.id DESC
    LIMIT 1
) t ON true;
