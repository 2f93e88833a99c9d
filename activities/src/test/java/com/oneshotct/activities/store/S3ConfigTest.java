package com.oneshotct.activities.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3ConfigTest {
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("ONESHOT_S3_ENDPOINT", "http://127.0.0.1:9000");
        env.put("ONESHOT_S3_ACCESS_KEY", "ak-test");
        env.put("ONESHOT_S3_SECRET_KEY", "very-secret-value");
        return env;
    }

    @Test
    void readsTheEnvironmentWithTheDefaultBucket() {
        S3Config c = S3Config.fromEnvironment(env());
        assertEquals(new S3Config("http://127.0.0.1:9000", "ak-test", "very-secret-value", "oneshot"), c);
        Map<String, String> e = env();
        e.put("ONESHOT_S3_BUCKET", "other-bucket");
        assertEquals("other-bucket", S3Config.fromEnvironment(e).bucket());
    }

    @Test
    void eachMissingVariableIsNamed() {
        for (String var : new String[] {"ONESHOT_S3_ENDPOINT", "ONESHOT_S3_ACCESS_KEY", "ONESHOT_S3_SECRET_KEY"}) {
            Map<String, String> e = env();
            e.put(var, " ");
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> S3Config.fromEnvironment(e));
            assertTrue(ex.getMessage().startsWith(var + " is not set"), ex.getMessage());
        }
    }

    @Test
    void toStringHidesTheSecret() {
        String s = S3Config.fromEnvironment(env()).toString();
        assertFalse(s.contains("very-secret-value"), s);
        assertTrue(s.contains("ak-test") && s.contains("******"), s);
    }

    @Test
    void badEndpointsAndBucketNamesAreRefused() {
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
                () -> new S3Config("127.0.0.1:9000", "a", "s", "oneshot"));
        assertTrue(url.getMessage().contains("ONESHOT_S3_ENDPOINT"), url.getMessage());
        for (String bucket : new String[] {"Upper", "ab", "-lead", "trail-", "under_score", "two..dots"}) {
            IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                    () -> new S3Config("http://h:1", "a", "s", bucket), bucket);
            assertTrue(b.getMessage().contains("'" + bucket + "'"), b.getMessage());
        }
    }
}
