#!/usr/bin/env bash
# A throwaway local PostgreSQL for trying several instances of the service on one database (README, "Several
# instances on PostgreSQL"). Same server as the tests use (.ci/postgres), on port 55433 unless PORT says otherwise.
#
#   scripts/postgres-local.sh start     # prints the settings for the service
#   scripts/postgres-local.sh stop      # stops it and deletes its data
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-55433}"

case "${1:-}" in
  start)
    bash .ci/postgres start "$port" >/dev/null
    connection="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    cat <<INFO
PostgreSQL runs on 127.0.0.1:$port (trust authentication, loopback only, data thrown away on stop).
Start as many instances as you like, each on its own port:

  export WebHooks__Storage__Provider=PostgreSql
  export WebHooks__Storage__ConnectionString='$connection'
  dotnet run --project src/WebHooks.Service -- --urls http://127.0.0.1:5080
  dotnet run --project src/WebHooks.Service -- --urls http://127.0.0.1:5081

The storage tests can use it too: export WEBHOOKS_TEST_POSTGRES='$connection'
Stop it with: $0 stop
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
