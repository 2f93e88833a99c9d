-- The experiment registry: one row per dataset, run, stage attempt, metric point, checkpoint, evaluation and
-- model version. Constraint names are descriptive on purpose: the repository quotes them in its error messages.
-- Never edit this file once applied; add a V<n>__*.sql instead.

CREATE TABLE datasets (
    id            char(64)    NOT NULL,
    name          text        NOT NULL,
    object_prefix text        NOT NULL,
    file_count    integer     NOT NULL,
    total_bytes   bigint      NOT NULL,
    split_sizes   jsonb       NOT NULL DEFAULT '{}'::jsonb,
    first_seen    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT datasets_pkey PRIMARY KEY (id),
    CONSTRAINT datasets_id_is_sha256_hex CHECK (id ~ '^[0-9a-f]{64}$'),
    CONSTRAINT datasets_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT datasets_file_count_nonnegative CHECK (file_count >= 0),
    CONSTRAINT datasets_total_bytes_nonnegative CHECK (total_bytes >= 0),
    CONSTRAINT datasets_split_sizes_is_object CHECK (jsonb_typeof(split_sizes) = 'object')
);

CREATE INDEX datasets_name_idx ON datasets (name);

CREATE TABLE runs (
    id              bigint      GENERATED ALWAYS AS IDENTITY,
    workflow_id     text        NOT NULL,
    temporal_run_id text,
    request         jsonb       NOT NULL,
    config_hash     text        NOT NULL,
    code_version    text        NOT NULL,
    backbone        text        NOT NULL,
    dataset_name    text        NOT NULL,
    dataset_id      char(64),
    status          text        NOT NULL DEFAULT 'registered',
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    ended_at        timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    error           text,
    CONSTRAINT runs_pkey PRIMARY KEY (id),
    CONSTRAINT runs_workflow_id_key UNIQUE (workflow_id),
    CONSTRAINT runs_dataset_fkey FOREIGN KEY (dataset_id) REFERENCES datasets (id),
    CONSTRAINT runs_workflow_id_not_blank CHECK (btrim(workflow_id) <> ''),
    CONSTRAINT runs_request_is_object CHECK (jsonb_typeof(request) = 'object'),
    -- the backbone column exists for indexing; it may not contradict the request it came from
    CONSTRAINT runs_backbone_matches_request
        CHECK (request->>'backbone' IS NULL OR request->>'backbone' = backbone),
    CONSTRAINT runs_backbone_not_blank CHECK (btrim(backbone) <> ''),
    CONSTRAINT runs_config_hash_not_blank CHECK (btrim(config_hash) <> ''),
    CONSTRAINT runs_code_version_not_blank CHECK (btrim(code_version) <> ''),
    CONSTRAINT runs_dataset_name_not_blank CHECK (btrim(dataset_name) <> ''),
    CONSTRAINT runs_status_known
        CHECK (status IN ('registered', 'running', 'waiting', 'succeeded', 'failed', 'aborted')),
    CONSTRAINT runs_started_when_past_registered CHECK (status = 'registered' OR started_at IS NOT NULL),
    CONSTRAINT runs_ended_iff_terminal
        CHECK ((status IN ('succeeded', 'failed', 'aborted')) = (ended_at IS NOT NULL)),
    CONSTRAINT runs_ended_after_started CHECK (ended_at IS NULL OR ended_at >= started_at),
    CONSTRAINT runs_failed_has_error CHECK (status <> 'failed' OR error IS NOT NULL)
);

CREATE INDEX runs_status_idx ON runs (status, created_at);
CREATE INDEX runs_dataset_name_idx ON runs (dataset_name, created_at);
CREATE INDEX runs_dataset_id_idx ON runs (dataset_id);
CREATE INDEX runs_backbone_idx ON runs (backbone, created_at);
CREATE INDEX runs_created_at_idx ON runs (created_at);

CREATE TABLE stage_attempts (
    run_id          bigint      NOT NULL,
    stage           text        NOT NULL,
    attempt         integer     NOT NULL,
    worker_identity text        NOT NULL,
    task_queue      text        NOT NULL,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    outcome         text,
    error_class     text,
    error_message   text,
    CONSTRAINT stage_attempts_pkey PRIMARY KEY (run_id, stage, attempt),
    CONSTRAINT stage_attempts_run_fkey FOREIGN KEY (run_id) REFERENCES runs (id),
    CONSTRAINT stage_attempts_stage_known
        CHECK (stage IN ('register', 'fetch_dataset', 'train', 'evaluate', 'register_metrics')),
    CONSTRAINT stage_attempts_attempt_positive CHECK (attempt >= 1),
    CONSTRAINT stage_attempts_outcome_known
        CHECK (outcome IS NULL OR outcome IN ('succeeded', 'failed', 'cancelled', 'timed_out')),
    CONSTRAINT stage_attempts_ended_iff_outcome CHECK ((ended_at IS NULL) = (outcome IS NULL)),
    CONSTRAINT stage_attempts_ended_after_started CHECK (ended_at IS NULL OR ended_at >= started_at),
    CONSTRAINT stage_attempts_success_has_no_error
        CHECK (outcome IS DISTINCT FROM 'succeeded' OR (error_class IS NULL AND error_message IS NULL)),
    CONSTRAINT stage_attempts_failure_has_error
        CHECK (outcome IS DISTINCT FROM 'failed' OR (error_class IS NOT NULL AND error_message IS NOT NULL))
);

CREATE INDEX stage_attempts_started_idx ON stage_attempts (started_at);
CREATE INDEX stage_attempts_failed_idx ON stage_attempts (stage, error_class) WHERE outcome = 'failed';

-- Attempts are history: an attempt may be closed once (ended_at/outcome/error filled in), never edited after
-- that and never deleted, so "which attempts failed where and why" cannot be rewritten.
CREATE FUNCTION stage_attempts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'stage_attempts is append-only: attempt % of stage % cannot be deleted',
            OLD.attempt, OLD.stage USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.ended_at IS NOT NULL
       OR NEW.run_id <> OLD.run_id OR NEW.stage <> OLD.stage OR NEW.attempt <> OLD.attempt
       OR NEW.worker_identity <> OLD.worker_identity OR NEW.task_queue <> OLD.task_queue
       OR NEW.started_at <> OLD.started_at THEN
        RAISE EXCEPTION 'stage_attempts is append-only: attempt % of stage % can only be closed once',
            OLD.attempt, OLD.stage USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER stage_attempts_append_only
    BEFORE UPDATE OR DELETE ON stage_attempts
    FOR EACH ROW EXECUTE FUNCTION stage_attempts_append_only();

CREATE TABLE training_metrics (
    run_id      bigint           NOT NULL,
    iteration   integer          NOT NULL,
    epoch       integer          NOT NULL,
    loss_name   text             NOT NULL,
    value       double precision NOT NULL,
    recorded_at timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT training_metrics_pkey PRIMARY KEY (run_id, loss_name, iteration),
    CONSTRAINT training_metrics_run_fkey FOREIGN KEY (run_id) REFERENCES runs (id),
    CONSTRAINT training_metrics_iteration_nonnegative CHECK (iteration >= 0),
    CONSTRAINT training_metrics_epoch_nonnegative CHECK (epoch >= 0),
    CONSTRAINT training_metrics_loss_name_not_blank CHECK (btrim(loss_name) <> ''),
    -- PostgreSQL orders NaN above every number, so a NaN loss would win every MAX(); keep the curve finite
    CONSTRAINT training_metrics_value_finite
        CHECK (value <> 'NaN'::float8 AND value <> 'Infinity'::float8 AND value <> '-Infinity'::float8)
);

CREATE INDEX training_metrics_curve_idx ON training_metrics (run_id, iteration);

CREATE TABLE checkpoints (
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    run_id      bigint      NOT NULL,
    iteration   integer     NOT NULL,
    attempt     integer     NOT NULL,
    object_key  text        NOT NULL,
    sha256      char(64)    NOT NULL,
    bytes       bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT checkpoints_pkey PRIMARY KEY (id),
    CONSTRAINT checkpoints_object_key_key UNIQUE (object_key),
    CONSTRAINT checkpoints_run_iteration_attempt_key UNIQUE (run_id, iteration, attempt),
    -- targets of the composite foreign keys below: they tie a pointer or an evaluation to the run it names
    CONSTRAINT checkpoints_id_run_iteration_key UNIQUE (id, run_id, iteration),
    CONSTRAINT checkpoints_id_run_key UNIQUE (id, run_id),
    CONSTRAINT checkpoints_run_fkey FOREIGN KEY (run_id) REFERENCES runs (id),
    CONSTRAINT checkpoints_iteration_nonnegative CHECK (iteration >= 0),
    CONSTRAINT checkpoints_attempt_positive CHECK (attempt >= 1),
    CONSTRAINT checkpoints_object_key_not_blank CHECK (btrim(object_key) <> ''),
    CONSTRAINT checkpoints_sha256_is_hex CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT checkpoints_bytes_positive CHECK (bytes > 0)
);

-- The newest checkpoint of each run. Moved by a conditional upsert (compare-and-set on the iteration), so a zombie
-- attempt that finishes late cannot point a run back at an older checkpoint; the trigger guards direct SQL too.
CREATE TABLE latest_checkpoints (
    run_id        bigint      NOT NULL,
    checkpoint_id bigint      NOT NULL,
    iteration     integer     NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT latest_checkpoints_pkey PRIMARY KEY (run_id),
    CONSTRAINT latest_checkpoints_checkpoint_of_run_fkey FOREIGN KEY (checkpoint_id, run_id, iteration)
        REFERENCES checkpoints (id, run_id, iteration)
);

CREATE FUNCTION latest_checkpoints_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'latest checkpoint pointer of run % cannot be deleted', OLD.run_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.iteration <= OLD.iteration OR NEW.run_id <> OLD.run_id THEN
        RAISE EXCEPTION 'latest checkpoint pointer of run % only moves forward (iteration % -> %)',
            OLD.run_id, OLD.iteration, NEW.iteration USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER latest_checkpoints_forward_only
    BEFORE UPDATE OR DELETE ON latest_checkpoints
    FOR EACH ROW EXECUTE FUNCTION latest_checkpoints_forward_only();

-- True when a stored rate equals numerator / denominator (to rounding), or is NULL exactly when the denominator is 0.
CREATE FUNCTION rate_matches(rate double precision, numerator integer, denominator integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN denominator = 0 THEN rate IS NULL
                ELSE rate IS NOT NULL AND abs(rate - numerator::double precision / denominator) < 1e-9 END
$$;

-- One evaluation of one checkpoint on one split: model-spec section 9. Class order everywhere is
-- Normal (1), CP (2), COVID (3); the confusion matrix has true classes as rows and predictions as columns.
-- Rates are fractions in [0, 1]; a per-class rate is NULL when its denominator is 0 (no such true/predicted class).
CREATE TABLE evaluations (
    id                 bigint           GENERATED ALWAYS AS IDENTITY,
    run_id             bigint           NOT NULL,
    checkpoint_id      bigint           NOT NULL,
    split              text             NOT NULL,
    image_count        integer          NOT NULL,
    ap_labels          text[]           NOT NULL,
    confusion_matrix   integer[]        NOT NULL,
    accuracy           double precision NOT NULL,
    weighted_f1        double precision NOT NULL,
    macro_f1           double precision NOT NULL,
    sensitivity_normal double precision,
    sensitivity_cp     double precision,
    sensitivity_covid  double precision,
    precision_normal   double precision,
    precision_cp       double precision,
    precision_covid    double precision,
    ap50               double precision NOT NULL,
    ap75               double precision NOT NULL,
    map                double precision NOT NULL,
    coco_ap            double precision NOT NULL,
    coco_ap50          double precision NOT NULL,
    coco_ap75          double precision NOT NULL,
    created_at         timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT evaluations_pkey PRIMARY KEY (id),
    CONSTRAINT evaluations_checkpoint_split_key UNIQUE (checkpoint_id, split),
    CONSTRAINT evaluations_checkpoint_of_run_fkey FOREIGN KEY (checkpoint_id, run_id)
        REFERENCES checkpoints (id, run_id),
    CONSTRAINT evaluations_split_not_blank CHECK (btrim(split) <> ''),
    CONSTRAINT evaluations_image_count_positive CHECK (image_count > 0),
    CONSTRAINT evaluations_ap_labels_known
        CHECK (cardinality(ap_labels) > 0 AND ap_labels <@ ARRAY['lung', 'ggo', 'consolidation']),
    CONSTRAINT evaluations_confusion_matrix_is_3x3
        CHECK (array_ndims(confusion_matrix) = 2
               AND array_length(confusion_matrix, 1) = 3 AND array_length(confusion_matrix, 2) = 3
               AND array_lower(confusion_matrix, 1) = 1 AND array_lower(confusion_matrix, 2) = 1
               AND (0 <= ALL (confusion_matrix)) IS TRUE),
    CONSTRAINT evaluations_confusion_matrix_counts_images
        CHECK (confusion_matrix[1][1] + confusion_matrix[1][2] + confusion_matrix[1][3]
             + confusion_matrix[2][1] + confusion_matrix[2][2] + confusion_matrix[2][3]
             + confusion_matrix[3][1] + confusion_matrix[3][2] + confusion_matrix[3][3] = image_count),
    CONSTRAINT evaluations_accuracy_matches_matrix
        CHECK (rate_matches(accuracy, confusion_matrix[1][1] + confusion_matrix[2][2] + confusion_matrix[3][3], image_count)),
    CONSTRAINT evaluations_sensitivity_normal_matches_matrix
        CHECK (rate_matches(sensitivity_normal, confusion_matrix[1][1],
                            confusion_matrix[1][1] + confusion_matrix[1][2] + confusion_matrix[1][3])),
    CONSTRAINT evaluations_sensitivity_cp_matches_matrix
        CHECK (rate_matches(sensitivity_cp, confusion_matrix[2][2],
                            confusion_matrix[2][1] + confusion_matrix[2][2] + confusion_matrix[2][3])),
    CONSTRAINT evaluations_sensitivity_covid_matches_matrix
        CHECK (rate_matches(sensitivity_covid, confusion_matrix[3][3],
                            confusion_matrix[3][1] + confusion_matrix[3][2] + confusion_matrix[3][3])),
    CONSTRAINT evaluations_precision_normal_matches_matrix
        CHECK (rate_matches(precision_normal, confusion_matrix[1][1],
                            confusion_matrix[1][1] + confusion_matrix[2][1] + confusion_matrix[3][1])),
    CONSTRAINT evaluations_precision_cp_matches_matrix
        CHECK (rate_matches(precision_cp, confusion_matrix[2][2],
                            confusion_matrix[1][2] + confusion_matrix[2][2] + confusion_matrix[3][2])),
    CONSTRAINT evaluations_precision_covid_matches_matrix
        CHECK (rate_matches(precision_covid, confusion_matrix[3][3],
                            confusion_matrix[1][3] + confusion_matrix[2][3] + confusion_matrix[3][3])),
    CONSTRAINT evaluations_rates_in_unit_interval
        CHECK (accuracy BETWEEN 0 AND 1 AND weighted_f1 BETWEEN 0 AND 1 AND macro_f1 BETWEEN 0 AND 1
               AND ap50 BETWEEN 0 AND 1 AND ap75 BETWEEN 0 AND 1 AND map BETWEEN 0 AND 1
               AND coco_ap BETWEEN 0 AND 1 AND coco_ap50 BETWEEN 0 AND 1 AND coco_ap75 BETWEEN 0 AND 1)
);

CREATE INDEX evaluations_run_idx ON evaluations (run_id, split);

-- A named model's versions. An alias (e.g. 'champion') names at most one version of a model at a time.
CREATE TABLE model_versions (
    name          text        NOT NULL,
    version       integer     NOT NULL,
    checkpoint_id bigint      NOT NULL,
    alias         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT model_versions_pkey PRIMARY KEY (name, version),
    CONSTRAINT model_versions_name_checkpoint_key UNIQUE (name, checkpoint_id),
    CONSTRAINT model_versions_name_alias_key UNIQUE (name, alias),
    CONSTRAINT model_versions_checkpoint_fkey FOREIGN KEY (checkpoint_id) REFERENCES checkpoints (id),
    CONSTRAINT model_versions_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT model_versions_version_positive CHECK (version >= 1),
    CONSTRAINT model_versions_alias_format CHECK (alias IS NULL OR alias ~ '^[a-z][a-z0-9_-]*$')
);

CREATE INDEX model_versions_checkpoint_idx ON model_versions (checkpoint_id);

-- What a run was asked to do, on what code and data, is history: it is set at registration and never rewritten;
-- a run that reached a terminal status stays there.
CREATE FUNCTION runs_history_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
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
    IF OLD.status IN ('succeeded', 'failed', 'aborted') AND NEW.status <> OLD.status THEN
        RAISE EXCEPTION 'run % already ended as %; it cannot become %', OLD.workflow_id, OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER runs_history_immutable
    BEFORE UPDATE OR DELETE ON runs
    FOR EACH ROW EXECUTE FUNCTION runs_history_immutable();
