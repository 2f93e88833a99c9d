package com.oneshotct.db;

import javax.sql.DataSource;

/** The experiment registry: its repositories, each on the same data source. */
public final class Registry {

    private final RunRepository runs;
    private final AttemptRepository attempts;
    private final TrainingRepository training;
    private final EvaluationRepository evaluations;
    private final ModelVersionRepository models;
    private final AuditQueries audit;
    private final SweepRepository sweeps;

    public Registry(DataSource dataSource) {
        this.runs = new RunRepository(dataSource);
        this.attempts = new AttemptRepository(dataSource);
        this.training = new TrainingRepository(dataSource);
        this.evaluations = new EvaluationRepository(dataSource);
        this.models = new ModelVersionRepository(dataSource);
        this.audit = new AuditQueries(dataSource);
        this.sweeps = new SweepRepository(dataSource);
    }

    public RunRepository runs() {
        return runs;
    }

    public AttemptRepository attempts() {
        return attempts;
    }

    public TrainingRepository training() {
        return training;
    }

    public EvaluationRepository evaluations() {
        return evaluations;
    }

    public ModelVersionRepository models() {
        return models;
    }

    public AuditQueries audit() {
        return audit;
    }

    public SweepRepository sweeps() {
        return sweeps;
    }
}
