-- Which detections took part in an evaluation's AP: at most ap_max_detections per image, each scoring above
-- ap_score_threshold. The authors' protocol is 128 at 0.75; every evaluation recorded before this migration was
-- scored by the pipeline with the model's display default, 4 detections at 0.75 (no input could change it), so the
-- existing rows get those values. New rows must say theirs: the defaults are dropped after the backfill.
ALTER TABLE evaluations
    ADD COLUMN ap_max_detections  integer          NOT NULL DEFAULT 4,
    ADD COLUMN ap_score_threshold double precision NOT NULL DEFAULT 0.75;
ALTER TABLE evaluations
    ALTER COLUMN ap_max_detections DROP DEFAULT,
    ALTER COLUMN ap_score_threshold DROP DEFAULT,
    ADD CONSTRAINT evaluations_ap_max_detections_positive CHECK (ap_max_detections > 0),
    ADD CONSTRAINT evaluations_ap_score_threshold_range
        CHECK (ap_score_threshold >= 0 AND ap_score_threshold < 1);
