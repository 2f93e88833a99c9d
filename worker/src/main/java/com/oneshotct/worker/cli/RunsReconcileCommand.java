package com.oneshotct.worker.cli;

import com.oneshotct.db.Database;
import com.oneshotct.worker.temporal.Clients;
import com.oneshotct.worker.temporal.Reconciler;
import com.oneshotct.worker.temporal.TemporalConfig;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code oneshot runs reconcile}: asks Temporal (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE) about every run the registry
 * shows as not ended and marks lost, with the reason, those whose workflow it does not know or has closed; see
 * {@link Reconciler}.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"End as lost the runs the registry shows as registered, running or waiting whose workflow"
                + " Temporal (TEMPORAL_ADDRESS) does not know or has closed, e.g. after the embedded stack (an"
                + " in-memory Temporal) was restarted mid-run. Runs whose workflow is open are left alone.",
            "Point it at the Temporal the runs were started on: on another one every run looks lost."})
final class RunsReconcileCommand implements Callable<Integer> {

    @ParentCommand
    RunsCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--dry-run", description = "Say what would be marked lost; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        TemporalConfig t = parent.temporal.get();
        String where = t.address() + ", namespace " + t.namespace();
        List<Reconciler.Finding> findings;
        try (Database db = Database.open(parent.db())) {
            if (parent.client != null) {
                findings = new Reconciler(db.registry(), parent.client, where).reconcile(dryRun);
            } else {
                WorkflowClient connected = Clients.connect(t);
                try {
                    findings = new Reconciler(db.registry(), connected, where).reconcile(dryRun);
                } finally {
                    connected.getWorkflowServiceStubs().shutdown();
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        long lost = findings.stream().filter(dryRun ? Reconciler.Finding::lost : Reconciler.Finding::marked).count();
        for (Reconciler.Finding f : findings) {
            if (!f.lost()) {
                out.println(f.workflowId() + "  " + f.registryStatus() + ", workflow " + f.temporalState()
                        + ": left alone");
            } else if (dryRun) {
                out.println(f.workflowId() + "  " + f.registryStatus() + ": would be marked lost: " + f.reason());
            } else {
                out.println(f.workflowId() + "  " + f.registryStatus() + " -> " + (f.marked() ? "lost: "
                        : "ended meanwhile, left as it is: ") + f.reason());
            }
        }
        out.println(findings.size() + " unended run(s) on Temporal at " + where + "; " + lost
                + (dryRun ? " would be marked lost (dry run, nothing changed)" : " marked lost"));
        out.flush();
        return 0;
    }
}
