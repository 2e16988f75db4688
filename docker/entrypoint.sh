#!/bin/sh
# Starts one fieldsync program: the first argument, else $APP (set by `--build-arg APP=` or `-e APP=`).
#   api | session-manager | extractor | writer | webhook-dispatcher | vendor-sandbox   a service
#   migrate [--down N | --to zero]                                                   npm run db:migrate
# `exec` replaces the shell, so node is tini's child and receives SIGTERM directly.
set -eu

app="${1:-${APP:-}}"
[ "$#" -gt 0 ] && shift

case "$app" in
  api | session-manager | extractor | writer | webhook-dispatcher | vendor-sandbox)
    exec node "/app/dist/apps/$app/apps/$app/src/main.js" "$@"
    ;;
  migrate)
    exec node /app/dist/tools/tools/db/migrate.js "$@"
    ;;
  *)
    echo "usage: <api|session-manager|extractor|writer|webhook-dispatcher|vendor-sandbox|migrate> [args] (or set APP); got '${app}'" >&2
    exit 64
    ;;
esac
