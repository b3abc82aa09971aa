#!/usr/bin/env bash
# A throwaway local PostgreSQL for trying several instances of the service on one database (README, "Running several
# instances"). Same server as the tests use (.ci/postgres: Debian's postgresql-15, no Docker), on port 55433 unless
# PORT says otherwise.
#
#   scripts/postgres-local.sh start     # prints how to run two instances on it
#   scripts/postgres-local.sh stop      # stops it and deletes its data
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-55433}"

case "${1:-}" in
  start)
    bash .ci/postgres start "$port" >/dev/null
    connection="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    stop="$0 stop"
    if [ "$port" != 55433 ]; then stop="PORT=$port $stop"; fi
    cat <<INFO
PostgreSQL runs on 127.0.0.1:$port (trust authentication, loopback only, data thrown away on stop).
Build once, then start as many instances as you like, each on its own port (Development: account demo/demo):

  export WebHooks__Storage__Provider=PostgreSql
  export WebHooks__Storage__ConnectionString='$connection'
  dotnet build src/WebHooks.Service
  dotnet run --no-build --project src/WebHooks.Service -- --urls http://127.0.0.1:5080 &
  dotnet run --no-build --project src/WebHooks.Service -- --urls http://127.0.0.1:5081 &

The first one to start creates the schema; the command line works on the same database (e.g. accounts list).
The storage tests can use it too: export WEBHOOKS_TEST_POSTGRES='$connection'
Stop the instances (kill %1 %2), then PostgreSQL: $stop
INFO
    ;;
  stop)
    bash .ci/postgres stop "$port"
    ;;
  *)
    echo "usage: $0 start|stop   (PORT=$port)" >&2
    exit 2
    ;;
esac
