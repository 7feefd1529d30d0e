# Sourced by ./crm-etl and ./test.sh: installs what is missing, then builds when sources changed.
# Everything it prints goes to stderr, so `./crm-etl ... --json` keeps a clean stdout.

CRMETL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

crmetl_say() { printf '[setup] %s\n' "$*" >&2; }

crmetl_sudo() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages the tool needs: a PostgreSQL server (for the embedded cluster) and Chromium.
crmetl_ensure_packages() {
    local missing=()
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
    [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    # a headed browser (bootstrap, --headed) on a machine without a screen runs under Xvfb
    [ -x /usr/bin/Xvfb ] || missing+=(xvfb)
    missing+=("$@")
    local need=()
    for p in "${missing[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
    done
    [ ${#need[@]} -eq 0 ] && return 0
    crmetl_say "installing Debian packages: ${need[*]}"
    crmetl_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    crmetl_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
}

crmetl_ensure_dotnet() {
    if ! command -v dotnet >/dev/null 2>&1; then
        crmetl_say "the .NET 10 SDK (dotnet) is not on PATH; install it first"
        exit 1
    fi
}

# Builds (Release) when the host is missing or any code is newer than the last build. When only SQL changed (an
# analyst edited a model or a check), the plugins' sql/ folders are copied to the built plugins instead: no build.
# Serialised with flock so two cron runs starting together do not build over each other.
crmetl_ensure_build() {
    # Touched only after a whole build succeeded: a build that fails half-way has still written some outputs.
    local stamp="$CRMETL_ROOT/artifacts/.build-stamp"
    mkdir -p "$CRMETL_ROOT/artifacts"
    (
        flock 9
        newer() {
            find "$CRMETL_ROOT/src" "$CRMETL_ROOT/plugins" "$CRMETL_ROOT/tests" "$CRMETL_ROOT/bench" \
                "$CRMETL_ROOT"/Directory.*.props "$CRMETL_ROOT/scripts/setup.sh" -newer "$stamp" \
                \( "$@" \) -not -path '*/bin/*' -not -path '*/obj/*' -print -quit 2>/dev/null
        }
        if [ ! -f "$stamp" ] || [ ! -f "$CRMETL_ROOT/artifacts/host/crm-etl.dll" ] || \
           [ -n "$(newer -name '*.cs' -o -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' -o -name 'setup.sh')" ]; then
            crmetl_say "building (dotnet build -c Release)"
            dotnet build "$CRMETL_ROOT/CrmEtl.sln" -c Release -nologo -v q -clp:ErrorsOnly >&2 || exit 1
            # The host itself, precompiled (ReadyToRun) over that build: a cold run JITs half as much.
            # Plugins stay as built.
            crmetl_say "precompiling the host (dotnet publish -p:PublishReadyToRun=true)"
            dotnet publish "$CRMETL_ROOT/src/Host/CrmEtl.Host.csproj" -c Release --use-current-runtime --self-contained false \
                -p:PublishReadyToRun=true -p:HostOutDir="$CRMETL_ROOT/artifacts/obj/host-r2r/" -o "$CRMETL_ROOT/artifacts/host" \
                -nologo -v q -clp:ErrorsOnly >&2 || exit 1
            touch "$stamp"
        elif [ -n "$(newer -name '*.sql')" ]; then
            crmetl_say "copying the plugins' edited SQL to the built plugins"
            local source built
            for source in "$CRMETL_ROOT"/plugins/*/sql "$CRMETL_ROOT"/tests/*Plugin/sql; do
                [ -d "$source" ] || continue
                built="$CRMETL_ROOT/artifacts/host/plugins/$(basename "$(dirname "$source")")"
                case "$source" in */tests/*) built="$CRMETL_ROOT/artifacts/test-plugins/$(sed -n 's|.*<PluginName>\(.*\)</PluginName>.*|\1|p' "$(dirname "$source")"/*.csproj)" ;; esac
                [ -d "$built" ] || continue
                rm -rf "$built/sql" && cp -r "$source" "$built/sql"
            done
            touch "$stamp"
        fi
    ) 9>"$CRMETL_ROOT/artifacts/.build.lock"
}
