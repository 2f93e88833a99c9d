#!/bin/sh
# First start of the registry PostgreSQL (docker-entrypoint-initdb.d): the roles of roles.sql, with their passwords
# from the environment. The schema's tables come later, from `oneshot db migrate` run as oneshot_owner, and the
# workers' rights on them from worker-grants.sql (the registry-migrate and registry-grants services of
# docker-compose.yml).
set -eu
: "${ONESHOT_OWNER_PASSWORD:?set ONESHOT_OWNER_PASSWORD}"
: "${ONESHOT_WORKER_PASSWORD:?set ONESHOT_WORKER_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f /oneshot-sql/roles.sql
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v owner_pw="$ONESHOT_OWNER_PASSWORD" -v worker_pw="$ONESHOT_WORKER_PASSWORD" <<'SQL'
ALTER ROLE oneshot_owner PASSWORD :'owner_pw';
ALTER ROLE oneshot_worker PASSWORD :'worker_pw';
SQL
