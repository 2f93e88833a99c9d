package com.oneshotct.workflows.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.oneshotct.workflows.contract.ErrorTypes;
import com.oneshotct.workflows.contract.RegisterSweepRequest;
import com.oneshotct.workflows.contract.RegistryActivities;
import com.oneshotct.workflows.pipeline.PipelineInput;
import com.oneshotct.workflows.pipeline.StageOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.util.List;
import org.slf4j.Logger;

/**
 * The sweep's rows in the registry, written from the workflow: the sweep and every point before the first child
 * starts, and how the sweep ended. The calls go to the registry activities on the CPU queue with the pipeline's
 * registry options (five attempts, 1 s to 30 s apart).
 *
 * <p>The registry is bookkeeping, so it does not decide the sweep's fate: once those retries are spent (the database
 * is down), the sweep goes on without its rows (the children still register their runs), as a run does with its
 * status writes. One refusal ends the sweep before any child starts: the registry already holds this sweep id with
 * another input or other points, or another sweep holds one of its child ids; those children's runs would
 * contradict the registry.
 */
final class SweepLedger {
    /** The version marker of this change: sweeps started by earlier code have none and write no rows. */
    static final String CHANGE_ID = "sweep-registry";

    private static final Logger log = Workflow.getLogger(SweepLedger.class);

    private final String sweepId;
    private final RegistryActivities registry;
    private boolean recorded;

    private SweepLedger(String sweepId, RegistryActivities registry) {
        this.sweepId = sweepId;
        this.registry = registry;
    }

    /**
     * Records the sweep and its points.
     *
     * @throws ApplicationFailure (BadConfig) when the registry refuses them
     */
    static SweepLedger register(String sweepId, JsonNode input, SweepInput in) {
        // the points' merged inputs all parsed, so the first names the CPU queue the registry activities poll
        PipelineInput first = PipelineInput.parse(in.points().get(0).input());
        SweepLedger ledger = new SweepLedger(sweepId,
                Workflow.newActivityStub(RegistryActivities.class, StageOptions.registry(first)));
        List<RegisterSweepRequest.Point> points = in.points().stream()
                .map(p -> new RegisterSweepRequest.Point(p.k(), TrainingSweepImpl.childId(sweepId, p.k()),
                        p.values().toString()))
                .toList();
        String inputJson = input.isTextual() ? input.textValue() : input.toString();
        try {
            ledger.registry.registerSweep(new RegisterSweepRequest(sweepId, Workflow.getInfo().getRunId(), inputJson,
                    in.metric(), in.split(), in.maxConcurrent(), points));
            ledger.recorded = true;
        } catch (ActivityFailure f) {
            if (f.getCause() instanceof CanceledFailure) {
                throw f;
            }
            if (f.getCause() instanceof ApplicationFailure a && ErrorTypes.BAD_CONFIG.equals(a.getType())) {
                throw ApplicationFailure.newNonRetryableFailure("sweep '" + sweepId + "' was refused by the registry,"
                        + " no run started: " + a.getOriginalMessage(), ErrorTypes.BAD_CONFIG);
            }
            log.warn("sweep {}: could not record the sweep in the registry, going on without it: {}", sweepId,
                    f.getMessage());
        }
        return ledger;
    }

    /** Records how the sweep ended, if it was recorded; a failure is logged, not raised. */
    void ended(String status) {
        if (!recorded) {
            return;
        }
        try {
            registry.setSweepStatus(sweepId, status);
        } catch (ActivityFailure f) {
            if (f.getCause() instanceof CanceledFailure) {
                throw f;
            }
            log.warn("sweep {}: could not record its end ({}): {}", sweepId, status, f.getMessage());
        }
    }
}
