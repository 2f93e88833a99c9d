-- A tie at the latest checkpoint's iteration goes to the newer attempt. An attempt that found the latest checkpoint
-- corrupt resumes from an earlier one and writes that iteration again; its (good) checkpoint must become the latest,
-- or a stop would evaluate the corrupt one. The order is (iteration, attempt): a zombie, always an older attempt,
-- still cannot move the pointer back or take a tie.
CREATE OR REPLACE FUNCTION latest_checkpoints_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'latest checkpoint pointer of run % cannot be deleted', OLD.run_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.run_id <> OLD.run_id OR NEW.iteration < OLD.iteration
       OR (NEW.iteration = OLD.iteration
           AND (SELECT attempt FROM checkpoints WHERE id = NEW.checkpoint_id)
               <= (SELECT attempt FROM checkpoints WHERE id = OLD.checkpoint_id)) THEN
        RAISE EXCEPTION 'latest checkpoint pointer of run % only moves forward (iteration % -> %)',
            OLD.run_id, OLD.iteration, NEW.iteration USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
