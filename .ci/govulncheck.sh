#!/usr/bin/env bash
# govulncheck for CI, without vuln.go.dev (which CI cannot reach).
#
# The vulnerability data comes from a PINNED snapshot of the golang.org/x/vulndb
# module, fetched through the Go module proxy like any other module. Its
# data/osv/*.json advisories are turned into a v1 database (index/db.json,
# index/modules.json, index/vulns.json, ID/GO-*.json, plus .gz copies: the
# layout `govulncheck -db file://DIR` reads) by vulndb's own cmd/indexdb, cached
# per version, and govulncheck (a tool dependency in go.mod, `go tool
# govulncheck`) scans ./... against it in source mode.
#
# Exit status: 0 when no vulnerable symbol is reachable from our code; 1 when
# one is (or on any error). Vulnerabilities that are only imported or required
# but never called are listed by `-show verbose` and do not fail.
#
# Reachable vulnerabilities in the Go standard library/toolchain can only be
# fixed by a newer Go than the machine has. GOVULNCHECK_STDLIB chooses:
#   fail (default)  they fail the run, like plain govulncheck;
#   warn            they are printed as warnings and only third-party module
#                   vulnerabilities fail the run.
#
# Usage: bash .ci/govulncheck.sh [govulncheck args...]   (default: ./...)
#   e.g. bash .ci/govulncheck.sh -C /some/other/module ./...
#
# To update the data: `go list -m -json golang.org/x/vulndb@latest` (from any
# directory) shows the newest snapshot the proxy has; put its Version below.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018
STDLIB_POLICY=${GOVULNCHECK_STDLIB:-fail}
case "$STDLIB_POLICY" in fail | warn) ;; *)
  echo "GOVULNCHECK_STDLIB must be 'fail' or 'warn', not '$STDLIB_POLICY'" >&2; exit 2 ;;
esac
command -v jq >/dev/null || { echo "govulncheck.sh needs jq (apt-get install -y jq)" >&2; exit 2; }

cache_root=${GOVULNDB_CACHE:-$(dirname "$(go env GOCACHE)")/pats-govulndb}
db="$cache_root/$VULNDB_VERSION"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS

if [ ! -f "$db/.complete" ]; then
  echo "building vulnerability database from golang.org/x/vulndb@$VULNDB_VERSION into $db"
  # Module commands run in an empty directory so they never touch our go.mod/go.sum.
  dl=$(cd "$work" && go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION")
  src=$(jq -r .Dir <<<"$dl")
  snapshot_time=$(jq -r .Time "$(jq -r .Info <<<"$dl")")
  # vulndb's own generator: reads the OSV files, writes the v1 layout and indexes.
  (cd "$work" && go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" \
    -vulns "$src/data/osv" -out "$work/db")
  # The one hand-written step: the OSV files in the repository carry zero
  # "modified" dates (vulndb's gendb fills them in from git history, and a module
  # zip has none), so indexdb's index/db.json says 0001-01-01. Stamp it with the
  # snapshot's commit time so govulncheck's "DB updated" line tells the truth.
  printf '{"modified":"%s"}' "$snapshot_time" >"$work/db/index/db.json"
  gzip -n -c "$work/db/index/db.json" >"$work/db/index/db.json.gz"
  touch "$work/db/.complete"
  mkdir -p "$cache_root"
  rm -rf "$db"
  mv -T "$work/db" "$db"
  echo "database built in $((SECONDS - start))s"
fi

printf '\nvulnerability data: PINNED snapshot golang.org/x/vulndb@%s\n' "$VULNDB_VERSION"
printf '  last modified %s, %s advisories, newest %s\n' \
  "$(jq -r .modified "$db/index/db.json")" \
  "$(jq length "$db/index/vulns.json")" \
  "$(jq -r '[.[].id] | sort | last' "$db/index/vulns.json")"
printf '  advisories published after that date are NOT checked; to update, set VULNDB_VERSION in\n'
printf '  .ci/govulncheck.sh to the Version of: go list -m -json golang.org/x/vulndb@latest\n\n'

[ $# -gt 0 ] || set -- ./...
scan_start=$SECONDS
go tool govulncheck -db "file://$db" -format json "$@" >"$work/scan.json"
# Human-readable report from the same scan (exit 3 there just means "found some").
jq -r 'select(.config != null) | .config
  | "scanned with \(.go_version) and \(.scanner_name)@\(.scanner_version), DB \(.db) (updated \(.db_last_modified))"' \
  "$work/scan.json"
rc=0
go tool govulncheck -mode convert <"$work/scan.json" || rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || exit "$rc"
echo "scan took $((SECONDS - scan_start))s"

# Reachable = a finding whose innermost trace frame names a function (symbol level).
jq -r 'select(.finding != null and (.finding.trace[0].function // "") != "")
       | .finding | [.trace[0].module, .osv, .fixed_version // "none"] | @tsv' \
  "$work/scan.json" | sort -u >"$work/reachable.tsv"
awk -F'\t' '$1 == "stdlib" || $1 == "toolchain"' "$work/reachable.tsv" | cut -f2,3 | sort -u >"$work/std.tsv"
awk -F'\t' '$1 != "stdlib" && $1 != "toolchain"' "$work/reachable.tsv" | cut -f1,2,3 | sort -u >"$work/mods.tsv"

status=0
if [ -s "$work/mods.tsv" ]; then
  echo "FAIL: reachable vulnerabilities in dependencies (module, id, fixed in):"
  sed 's/^/  /' "$work/mods.tsv"
  status=1
fi
if [ -s "$work/std.tsv" ]; then
  go_version=$(jq -r 'select(.config != null) | .config.go_version' "$work/scan.json")
  if [ "$STDLIB_POLICY" = fail ]; then
    echo "FAIL: reachable vulnerabilities in the Go standard library of $go_version (id, fixed in):"
    status=1
  else
    echo "WARNING (GOVULNCHECK_STDLIB=warn, not failing): reachable vulnerabilities in the Go"
    echo "standard library of $go_version; they go away only with a newer Go (id, fixed in):"
  fi
  sed 's/^/  /' "$work/std.tsv"
fi
[ "$status" -ne 0 ] || echo "govulncheck: no reachable vulnerability fails this run"
echo "govulncheck.sh took $((SECONDS - start))s"
exit "$status"
