package com.oneshotct.worker.temporal;

import com.oneshotct.db.Registry;
import com.oneshotct.db.Run;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Ends, as {@code lost}, the registry's runs that no workflow will ever end: every run the registry shows as not
 * ended (registered, running, waiting) is looked up on Temporal by its workflow id; one Temporal does not know
 * (NOT_FOUND: the embedded stack's in-memory Temporal was restarted, or the run was started on another Temporal), or
 * whose workflow is closed while the registry never heard how, is marked lost with the reason, its open attempts
 * with it. A run whose workflow is open is left alone; any other error from Temporal (unreachable, refused) stops
 * the pass before it marks anything more, since a Temporal that cannot answer proves nothing.
 */
public final class Reconciler {

    /** What Temporal said about one unended run, and whether it was (or, dry, would be) marked lost. */
    public record Finding(String workflowId, String registryStatus, String temporalState, String reason,
                          boolean marked) {
        public boolean lost() {
            return reason != null;
        }
    }

    private final Registry registry;
    private final WorkflowClient client;
    private final String where;

    /** {@code where} names the Temporal the client reaches, for the reasons ({@code 127.0.0.1:7233, namespace default}). */
    public Reconciler(Registry registry, WorkflowClient client, String where) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.client = Objects.requireNonNull(client, "client");
        this.where = Objects.requireNonNull(where, "where");
    }

    /** One pass over the unended runs, oldest first; {@code dryRun} reports without writing. */
    public List<Finding> reconcile(boolean dryRun) {
        List<Finding> findings = new ArrayList<>();
        for (Run run : registry.runs().unended()) {
            String id = run.workflowId();
            Optional<WorkflowExecutionStatus> state = describe(id);
            String reason = null;
            String temporal;
            if (state.isEmpty()) {
                temporal = "NOT_FOUND";
                reason = "Temporal at " + where + " does not know workflow '" + id + "': its history is gone (an"
                        + " in-memory Temporal, such as the embedded stack's, was restarted, or the run was started on"
                        + " another Temporal), so nothing will end this run";
            } else {
                temporal = state.get().name().replace("WORKFLOW_EXECUTION_STATUS_", "");
                if (state.get() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
                    reason = "Temporal at " + where + " says workflow '" + id + "' is closed (" + temporal
                            + "), but the registry never heard how it ended";
                }
            }
            boolean marked = false;
            if (reason != null && !dryRun) {
                marked = registry.runs().markLost(id, reason).isPresent();
            }
            findings.add(new Finding(id, run.status().sql(), temporal, reason, marked));
        }
        return findings;
    }

    /** The workflow's state, or empty when Temporal does not know it. */
    private Optional<WorkflowExecutionStatus> describe(String workflowId) {
        try {
            return Optional.of(client.newUntypedWorkflowStub(workflowId).describe().getStatus());
        } catch (WorkflowNotFoundException e) {
            return Optional.empty();
        } catch (WorkflowServiceException e) {
            if (e.getCause() instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw new IllegalStateException("cannot ask Temporal at " + where + " about workflow '" + workflowId
                    + "' (" + e.getMessage() + "); nothing more was marked", e);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw new IllegalStateException("cannot ask Temporal at " + where + " about workflow '" + workflowId
                    + "' (" + e.getStatus() + "); nothing more was marked", e);
        }
    }
}
