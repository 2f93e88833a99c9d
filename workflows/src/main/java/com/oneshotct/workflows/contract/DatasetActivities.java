package com.oneshotct.workflows.contract;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Stage "fetch dataset": manifest, content-addressed cache, every hash verified, lineage recorded. */
@ActivityInterface
public interface DatasetActivities {
    @ActivityMethod
    FetchResult fetchDataset(FetchRequest request);
}
