#!/usr/bin/env bash
# What the schedule runs, and what an operator can run by hand:
#   scheduled-run.sh download    every store's report for the auto window, then housekeeping
#   scheduled-run.sh pull CRM    what changed in one API source (passed over when crm-etl.json does not configure it)
#   scheduled-run.sh             both: the downloads, every API source, housekeeping
# It runs the built host and never builds or installs anything (./crm-etl does that, by hand). Output goes to
# $CRMETL_HOME/logs/scheduled-YYYY-MM-DD.log, and under systemd to the journal too: the runs' tables, warnings and
# errors (--quiet), not the tool's info lines again, which its own log (crm-etl.log) has already.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CRMETL_HOME="${CRMETL_HOME:-$root/.crm-etl}"
host="$root/artifacts/host/crm-etl"
what="${1:-all}"
case "$what" in
    download|all) ;;
    pull) [[ $# -eq 2 ]] || { echo "usage: $0 pull CRM" >&2; exit 2; } ;;
    *) echo "usage: $0 [download | pull CRM]" >&2; exit 2 ;;
esac
if [[ ! -x $host ]]; then
    echo "scheduled-run.sh: $host is not built; run ./crm-etl --help once by hand (it builds), then the schedule works" >&2
    exit 1
fi
mkdir -p "$CRMETL_HOME/logs"
log="$CRMETL_HOME/logs/scheduled-$(date +%F).log"
if [[ -n ${INVOCATION_ID:-} ]]; then exec > >(tee -a "$log") 2>&1; else exec >>"$log" 2>&1; fi
echo "=== $(date -Is) scheduled run: ${*:-all}"
status=0
if [[ $what != pull ]]; then
    "$host" download --crm all --store all --from auto --to today --headless --quiet || status=1
fi
if [[ $what == pull ]]; then
    crms="$2"
elif [[ $what == all ]]; then
    # the API sources: a plugin whose `plugins` line reads "api"
    crms="$("$host" plugins 2>/dev/null | awk '/ api /{print $1}' | sort -u)"
else
    crms=""
fi
for crm in $crms; do
    "$host" pull --crm "$crm" --if-configured --quiet || status=1
done
if [[ $what != pull ]]; then "$host" housekeep --quiet; fi
echo "=== $(date -Is) done, exit $status"
exit $status
