#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, runs the xUnit suite on a real PostgreSQL
# (the tool's embedded cluster under artifacts/test-home, or CRMETL_TEST_DATABASE) and real Chromium.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/scripts/setup.sh"
cd "$CRMETL_ROOT"
crmetl_ensure_dotnet
crmetl_ensure_packages python3-pandas python3-openpyxl python3-psycopg2   # the benchmark's pandas peer
crmetl_ensure_build

results="$CRMETL_ROOT/artifacts/test-results"
rm -rf "$results" "$CRMETL_ROOT/artifacts/test-files"
status=0
dotnet test CrmEtl.sln -c Release --no-build --nologo \
    --logger "console;verbosity=normal" --logger "trx;LogFileName=results.trx" --results-directory "$results" || status=$?

# Leave no server behind.
for home in test-home bench-home; do
    CRMETL_HOME="$CRMETL_ROOT/artifacts/$home" "$CRMETL_ROOT/artifacts/host/crm-etl" db stop >/dev/null 2>&1 || true
done

trx=$(ls "$results"/*.trx 2>/dev/null | head -n 1 || true)
if [ -n "$trx" ]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    echo "tests: ${passed:-0} passed, ${failed:-0} failed"
fi
exit $status
