package com.oneshotct.activities.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.oneshotct.model.infer.Evaluator;
import org.junit.jupiter.api.Test;

/** The scoring batch from ONESHOT_SCORE_BATCH: unset is the measured default, a bad value is refused. */
class ScoreBatchTest {
    @Test
    void unsetOrBlankIsTheDefault() {
        assertEquals(Evaluator.SCORING_BATCH, EvaluationActivitiesImpl.scoreBatch(null));
        assertEquals(Evaluator.SCORING_BATCH, EvaluationActivitiesImpl.scoreBatch(" "));
    }

    @Test
    void aWholeNumberIsTaken() {
        assertEquals(1, EvaluationActivitiesImpl.scoreBatch("1"));
        assertEquals(8, EvaluationActivitiesImpl.scoreBatch(" 8 "));
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[] {"0", "-2", "four", "2.5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EvaluationActivitiesImpl.scoreBatch(bad));
            assertEquals("ONESHOT_SCORE_BATCH must be a whole number >= 1, got '" + bad + "'", e.getMessage());
        }
    }
}
