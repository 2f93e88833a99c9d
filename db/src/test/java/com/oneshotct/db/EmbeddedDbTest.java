package com.oneshotct.db;

import com.oneshotct.embedded.EmbeddedPostgresSupport;
import org.junit.jupiter.api.Nested;

/**
 * Every registry test body on a real PostgreSQL: the database {@code ONESHOT_DB_URL} names when set, else the
 * embedded PostgreSQL 17 (one server per test JVM; each test class gets its own schema).
 */
class EmbeddedDbTest {

    static DbConfig server() {
        String url = System.getenv(DbConfig.URL_VAR);
        return url == null || url.isBlank() ? EmbeddedPostgresSupport.shared(DbConfig::new)
                : DbConfig.fromEnvironment();
    }

    @Nested
    class Migration extends MigrationContract {
        @Override
        protected DbConfig server() {
            return EmbeddedDbTest.server();
        }
    }

    @Nested
    class Runs extends RunRepositoryContract {
        @Override
        protected DbConfig server() {
            return EmbeddedDbTest.server();
        }
    }

    @Nested
    class Attempts extends AttemptRepositoryContract {
        @Override
        protected DbConfig server() {
            return EmbeddedDbTest.server();
        }
    }

    @Nested
    class Training extends TrainingRepositoryContract {
        @Override
        protected DbConfig server() {
            return EmbeddedDbTest.server();
        }
    }

    @Nested
    class Evaluations extends EvaluationModelContract {
        @Override
        protected DbConfig server() {
            return EmbeddedDbTest.server();
        }
    }

    @Nested
    class Audit extends AuditQueriesContract {
        @Override
        protected DbConfig server() {
            return EmbeddedDbTest.server();
        }
    }

    @Nested
    class Lost extends LostAttemptsContract {
        @Override
        protected DbConfig server() {
            return EmbeddedDbTest.server();
        }
    }

    @Nested
    class Sweeps extends SweepRepositoryContract {
        @Override
        protected DbConfig server() {
            return EmbeddedDbTest.server();
        }
    }
}
