package com.oneshotct.workflows.contract;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Stage "evaluate": the paper's metrics of one checkpoint on the test splits, written to the registry; and stage
 * "validate": one checkpoint's validation scores while its run trains.
 */
@ActivityInterface
public interface EvaluationActivities {
    @ActivityMethod
    EvaluateResult evaluate(EvaluateRequest request);

    @ActivityMethod
    ValidateResult validate(ValidateRequest request);
}
