-- Checkpoint evaluation during training (docs/pipeline.md, "Checkpoint evaluation"). While a run trains, CPU workers
-- score each checkpoint on a validation split: those scores are 'evaluations' rows with split 'val' (one per
-- checkpoint, as every evaluation), recorded by attempts of the new stage 'validate'. The best checkpoint is scored on
-- the test split once and becomes the model version.

-- Validation attempts of one run run side by side (one per checkpoint): a new one does not supersede the others.
ALTER TABLE stage_attempts
    DROP CONSTRAINT stage_attempts_stage_known,
    ADD CONSTRAINT stage_attempts_stage_known
        CHECK (stage IN ('register', 'fetch_dataset', 'train', 'validate', 'evaluate', 'register_metrics'));

-- Which images an evaluation scored when they are not simply its split: a dataset without a 'val' split is validated
-- on a deterministic subset of its training split, and a large validation split is subsampled. NULL: all of the split.
ALTER TABLE evaluations ADD COLUMN images_from text;
ALTER TABLE evaluations ADD CONSTRAINT evaluations_images_from_not_blank
    CHECK (images_from IS NULL OR btrim(images_from) <> '');

-- A version can carry several aliases ('best' and 'latest' on the same checkpoint); an alias still names one version
-- of a model at a time. The aliases move out of model_versions into their own table.
CREATE TABLE model_aliases (
    name       text        NOT NULL,
    alias      text        NOT NULL,
    version    integer     NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT model_aliases_pkey PRIMARY KEY (name, alias),
    CONSTRAINT model_aliases_version_fkey FOREIGN KEY (name, version) REFERENCES model_versions (name, version),
    CONSTRAINT model_aliases_alias_format CHECK (alias ~ '^[a-z][a-z0-9_-]*$')
);

INSERT INTO model_aliases (name, alias, version, updated_at)
SELECT name, alias, version, created_at FROM model_versions WHERE alias IS NOT NULL;

ALTER TABLE model_versions DROP COLUMN alias;

-- run_summary: the best_* columns keep what they meant before validation existed (the run's test-side evaluations);
-- the validation scores get columns of their own. New columns go last: CREATE OR REPLACE VIEW keeps the others.
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
       coalesce(a.lost_attempts, 0)   AS lost_attempts,
       coalesce(v.validations, 0)     AS validations,
       v.best_val_weighted_f1,
       v.best_val_map,
       v.best_val_ap50
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
    FROM evaluations ev WHERE ev.run_id = r.id AND ev.split <> 'val'
) e ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS validations, max(ev.weighted_f1) AS best_val_weighted_f1, max(ev.map) AS best_val_map,
           max(ev.ap50) AS best_val_ap50
    FROM evaluations ev WHERE ev.run_id = r.id AND ev.split = 'val'
) v ON true;
