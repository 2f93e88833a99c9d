package com.oneshotct.db;

import org.junit.jupiter.api.Nested;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The same test bodies as {@link EmbeddedDbTest}, on a PostgreSQL 17 container. Skipped where Docker is missing
 * (the build machines); one container serves every nested class and stops with the JVM (Testcontainers' reaper).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerDbTest {

    private static PostgreSQLContainer<?> container;

    static synchronized DbConfig server() {
        if (container == null) {
            container = new PostgreSQLContainer<>("postgres:17-alpine");
            container.start();
        }
        return new DbConfig(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }

    @Nested
    class Migration extends MigrationContract {
        @Override
        protected DbConfig server() {
            return ContainerDbTest.server();
        }
    }

    @Nested
    class Runs extends RunRepositoryContract {
        @Override
        protected DbConfig server() {
            return ContainerDbTest.server();
        }
    }

    @Nested
    class Attempts extends AttemptRepositoryContract {
        @Override
        protected DbConfig server() {
            return ContainerDbTest.server();
        }
    }

    @Nested
    class Training extends TrainingRepositoryContract {
        @Override
        protected DbConfig server() {
            return ContainerDbTest.server();
        }
    }

    @Nested
    class Evaluations extends EvaluationModelContract {
        @Override
        protected DbConfig server() {
            return ContainerDbTest.server();
        }
    }

    @Nested
    class Audit extends AuditQueriesContract {
        @Override
        protected DbConfig server() {
            return ContainerDbTest.server();
        }
    }

    @Nested
    class Lost extends LostAttemptsContract {
        @Override
        protected DbConfig server() {
            return ContainerDbTest.server();
        }
    }

    @Nested
    class Sweeps extends SweepRepositoryContract {
        @Override
        protected DbConfig server() {
            return ContainerDbTest.server();
        }
    }
}
