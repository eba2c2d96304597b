#!/usr/bin/env bash
# Install the product as pipx or a Dockerfile would: build the wheel, install it into a fresh
# virtual environment with no test extras and no constraints file, check the installed set is
# consistent, then serve in production mode and fetch the routines page. A run-time import that is
# not a declared dependency fails here, not on someone's server.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$PYTHON" -m venv "$work/env"
bin="$work/env/bin"

echo "== wheel install check: building the wheel"
# From a copy of the files git would commit, so the build leaves nothing in the work tree.
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard |
    tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$work/src"
"$bin/python" -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir "$work/dist" "$work/src" \
    >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
wheel=("$work"/dist/psoas_coach-*.whl)

echo "== wheel install check: installing $(basename "${wheel[0]}") without extras or constraints"
"$bin/python" -m pip install --quiet --disable-pip-version-check "${wheel[0]}"
"$bin/python" -m pip check

# A page of routines is what a person sees first; take the names from the installed catalogue.
"$bin/psoas-coach" content list --format json >"$work/catalogue.json"

port="$("$bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
echo "== wheel install check: psoas-coach serve (production mode) on 127.0.0.1:$port"
(
    cd "$work"  # away from the source tree, so only the installed packages can be imported
    exec env -u PYTHONPATH PSOAS_SECRET_KEY="wheel-check-$RANDOM$RANDOM" \
        DATABASE_URL="sqlite:///$work/coach.db" XDG_DATA_HOME="$work/data" \
        "$bin/psoas-coach" serve --host 127.0.0.1 --port "$port" --workers 1
) >"$work/serve.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 60); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "psoas-coach serve exited before answering:"; cat "$work/serve.log"; exit 1
    fi
    # Exit 0: the page lists every routine; 1: it answered wrongly; 2: not listening yet.
    rc=0
    "$bin/python" - "$port" "$work/catalogue.json" <<'PY' || rc=$?
import html, json, sys, urllib.error, urllib.request

port, catalogue = sys.argv[1], sys.argv[2]
names = [r["name"] for r in json.load(open(catalogue))["routines"]]
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
        status, page = r.status, html.unescape(r.read().decode())
except urllib.error.HTTPError as e:
    sys.exit(f"GET / answered {e.code}, not 200")
except OSError:
    sys.exit(2)
missing = [n for n in names if n not in page]
if status != 200 or not names or missing:
    sys.exit(f"GET / answered {status}; routines missing from the page: {missing or names}")
print(f"== wheel install check: GET / is 200 and lists all {len(names)} routines")

# The skill's side loads ask-sdk's serializer on the first envelope: an unsigned one is parsed,
# then refused by production verification with a 400 (a missing module would be a 500).
envelope = {"version": "1.0", "request": {"type": "LaunchRequest", "requestId": "r", "timestamp": "2026-01-01T00:00:00Z", "locale": "en-US"}}
post = urllib.request.Request(f"http://127.0.0.1:{port}/alexa", data=json.dumps(envelope).encode(), headers={"Content-Type": "application/json"})
try:
    urllib.request.urlopen(post, timeout=10)
    sys.exit("POST /alexa accepted an unsigned request in production mode")
except urllib.error.HTTPError as e:
    answer = json.loads(e.read() or b"{}").get("error", "")
    if e.code != 400 or "verification failed" not in answer:
        sys.exit(f"POST /alexa (unsigned) answered {e.code} {answer!r}, not 400 'verification failed'")
print("== wheel install check: POST /alexa unsigned is refused with 400 by verification")
PY
    case "$rc" in
        0) exit 0 ;;
        2) sleep 0.5 ;;
        *) cat "$work/serve.log"; exit 1 ;;
    esac
done
echo "psoas-coach serve did not answer within 30 s:"; cat "$work/serve.log"; exit 1
