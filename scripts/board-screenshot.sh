#!/usr/bin/env bash
# The README's picture of the board: rota serve on the example rotas (with one alert raised and
# three people of community-managers away on Monday night, so a gap shows), photographed by chromium
# through Tests/RotaCLITests/Fixtures/board_browser.py. Needs chromium, chromium-driver, selenium.
# Usage: scripts/board-screenshot.sh [BINARY] [OUT.png]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(realpath "${1:-.build/debug/rota}")
out=$(realpath -m "${2:-docs/board.png}")
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r rotas "$work/rotas"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$work/rotas/00-settings.yaml" "$port" <<'PY'
import sys
path, port = sys.argv[1], sys.argv[2]
text = open(path).read().replace("settings:\n", f"settings:\n  server: {{public_url: 'http://127.0.0.1:{port}', tick_every: 0}}\n", 1)
open(path, "w").write(text)
PY
export ROTA_DIR="$work/rotas" ROTA_DB="$work/state.db" ROTA_SERVER_SECRET=screenshot-secret-0123456789
"$binary" alert raise --service twitter-mentions --summary 'Negative press article trending on social media' >/dev/null 2>&1 || true
for person in camille hugo lea; do
    "$binary" leave add --person "$person" --from "mon 19:00" --for 14h --reason "team offsite" >/dev/null 2>&1
done
"$binary" serve --listen "127.0.0.1:$port" 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
signin=$("$binary" board url 2>/dev/null | sed "s|http://127.0.0.1:$port||")
person=$("$binary" board url --person camille 2>/dev/null | sed "s|http://127.0.0.1:$port||")
python3 Tests/RotaCLITests/Fixtures/board_browser.py "http://127.0.0.1:$port" "$signin" community-managers "$person" \
    --screenshot "$out" --width "${WIDTH:-1200}" >/dev/null
echo "wrote $out"
