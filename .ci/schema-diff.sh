#!/usr/bin/env bash
# The GraphQL contract has no breaking change: graphql-inspector (pinned in
# .ci/schema-diff/package-lock.json) compares schema.graphqls with the
# schema at the baseline commit named in .ci/schema-baseline (the last
# landing before the current line of work). Additions and description
# changes pass; a removed or retyped field, argument, enum value or type
# fails. Needs the git history (a clean clone has it; a shallow one fails
# here, loudly) and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
base=$(tr -d '[:space:]' < .ci/schema-baseline)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! git show "$base:schema.graphqls" > "$tmp/baseline.graphqls"; then
  echo "schema-diff: cannot read schema.graphqls at $base (shallow clone?)" >&2
  exit 1
fi
(cd .ci/schema-diff && npm ci --no-audit --no-fund --loglevel=error)
.ci/schema-diff/node_modules/.bin/graphql-inspector diff "$tmp/baseline.graphqls" schema.graphqls
