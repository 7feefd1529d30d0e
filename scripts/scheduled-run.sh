#!/usr/bin/env bash
# What the schedule runs, and what an operator can run by hand:
#   scheduled-run.sh download    every store's report for the auto window, then housekeeping
#   scheduled-run.sh pull CRM    what changed in one API source (passed over when crm-etl.json does not configure it)
#   scheduled-run.sh             both: the downloads, every API source, housekeeping
# Output goes to $CRMETL_HOME/logs/scheduled-YYYY-MM-DD.log.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CRMETL_HOME="${CRMETL_HOME:-$root/.crm-etl}"
mkdir -p "$CRMETL_HOME/logs"
log="$CRMETL_HOME/logs/scheduled-$(date +%F).log"
what="${1:-all}"
case "$what" in
    download|all) ;;
    pull) [[ $# -eq 2 ]] || { echo "usage: $0 pull CRM" >&2; exit 2; } ;;
    *) echo "usage: $0 [download | pull CRM]" >&2; exit 2 ;;
esac
{
    echo "=== $(date -Is) scheduled run: $*"
    status=0
    if [[ $what != pull ]]; then
        "$root/crm-etl" download --crm all --store all --from auto --to today --headless || status=1
    fi
    if [[ $what == pull ]]; then
        crms="$2"
    elif [[ $what == all ]]; then
        # the API sources: a plugin whose `plugins` line reads "api"
        crms="$("$root/crm-etl" plugins 2>/dev/null | awk '/ api /{print $1}' | sort -u)"
    else
        crms=""
    fi
    for crm in $crms; do
        "$root/crm-etl" pull --crm "$crm" --if-configured || status=1
    done
    if [[ $what != pull ]]; then "$root/crm-etl" housekeep; fi
    echo "=== $(date -Is) done, exit $status"
    exit $status
} >>"$log" 2>&1
