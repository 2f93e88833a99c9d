-- The registry database's roles. Run once by the database's administrator, before the first migration (docker
-- compose runs it through init-registry.sh when registry-db starts on an empty volume); safe to repeat. No password
-- is set here: init-registry.sh (or you, with ALTER ROLE ... PASSWORD) sets them from secrets.
--
--   oneshot_owner   owns schema "oneshot" and everything the migrations create in it: runs `oneshot db migrate`
--                   (and worker-grants.sql after it). Nothing else connects as it.
--   oneshot_worker  what the workers connect as (ONESHOT_DB_USER, with ONESHOT_DB_MIGRATE=false): reads, appends
--                   rows and moves the few columns worker-grants.sql lists. No DDL, no DELETE, no TRUNCATE.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oneshot_owner') THEN
        CREATE ROLE oneshot_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oneshot_worker') THEN
        CREATE ROLE oneshot_worker LOGIN;
    END IF;
END $$;

CREATE SCHEMA IF NOT EXISTS oneshot AUTHORIZATION oneshot_owner;

-- Only the owner creates objects: not in schema oneshot, not in public (PostgreSQL before 15 let everyone), and no
-- temporary tables either.
REVOKE ALL ON SCHEMA oneshot FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END $$;
GRANT USAGE ON SCHEMA oneshot TO oneshot_worker;

ALTER ROLE oneshot_owner SET search_path = oneshot;
ALTER ROLE oneshot_worker SET search_path = oneshot;
