#!/usr/bin/env bash
# serve under load, beside the serving yardstick (../shared/peers/torch_serve.py: the tutorial's MLP in PyTorch behind
# FastAPI + uvicorn), on this machine, in one run. A measuring stick for docs/serving.md, not part of the build or CI.
#
#   bench/serve-load.sh --model runs/<folder> [--rounds 2] [--seconds 20] [--connections 8]
#   bench/serve-load.sh --model runs/<folder> --soak [--seconds 60]
#
# Default mode: A/B rounds of `wrk -t2 -c8 -d20s --latency` with the yardstick's own body (torch_serve_post.lua, one
# fixed pair of 784-pixel images): PyTorch's POST /similarity, then serve's POST /api/similarity (the same body), then
# serve's POST /api/search (the pair's left image, k=8, over the 10,000 test images); each after a warm-up, with the
# load average beside it. Prints a markdown table and the ratios of medians.
#
# --soak: one sustained run at the same concurrency against /api/similarity, with a burst of bad requests (wrong pixel
# counts, NaN, not JSON, a wrong content type, a corrupt upload) from a second wrk in its middle third; the server's RSS
# sampled every 5 s. Good requests must all be 200; bad ones all 4xx.
#
# Needs: wrk (Debian package); for the yardstick, Debian's python3-torch python3-fastapi python3-uvicorn
# libopenblas0-pthread (see ../shared/peers/README.md; skipped when missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS="${PEERS:-$ROOT/../shared/peers}"
PYTHON="${PYTHON:-/usr/bin/python3}"
MODEL=""
ROUNDS=2
SECONDS_PER_RUN=20
CONNECTIONS=8
SOAK=0
PORT=5091
PEER_PORT=8400
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) MODEL="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --seconds) SECONDS_PER_RUN="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --soak) SOAK=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -n "$MODEL" ]] || { echo "--model runs/<folder> is required (train one: dotnet run --project src/Host)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The request bodies: the yardstick's pair, its left image as a search query, and the bad requests of the soak.
POST_LUA="$PEERS/torch_serve_post.lua"
"$PYTHON" - "$POST_LUA" "$WORK" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
body = json.loads(re.search(r"wrk\.body = '(.*)'", text).group(1))
work = sys.argv[2]
def lua(path, body):
    open(path, "w").write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ' + json.dumps(json.dumps(body)) + "\n")
lua(f"{work}/search.lua", {"image": body["left"]})
bad = [
    ("application/json", json.dumps({"left": body["left"][:100], "right": body["right"]})),
    ("application/json", '{"left": [NaN], "right": [1]}'),
    ("application/json", '{"left": [' + ",".join(["300"] * 784) + '], "right": []}'),
    ("application/json", "this is not JSON"),
    ("text/plain", "left=1"),
    ("multipart/form-data; boundary=b", '--b\r\nContent-Disposition: form-data; name="image"; filename="x.png"\r\nContent-Type: image/png\r\n\r\nnot a picture\r\n--b--\r\n'),
]
with open(f"{work}/bad.lua", "w") as f:
    f.write("local bodies = {\n")
    for content_type, text in bad:
        f.write("  {" + json.dumps(content_type) + ", " + json.dumps(text) + "},\n")
    f.write("}\nlocal i = 0\nrequest = function()\n  i = i % #bodies + 1\n  local b = bodies[i]\n")
    f.write('  return wrk.format("POST", "/api/similarity", {["Content-Type"] = b[1]}, b[2])\nend\n')
EOF

echo "building..." >&2
dotnet build "$ROOT/src/Host" -v q -nologo >"$WORK/build.txt" 2>&1 || { cat "$WORK/build.txt" >&2; exit 1; }
HOST_DLL="$ROOT/src/Host/bin/Debug/net10.0/Siamese.Host.dll"

wait_for() { # url pid log
  for _ in $(seq 1 240); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "server exited:" >&2; cat "$3" >&2; exit 1; }
    sleep 0.5
  done
  echo "no answer from $1" >&2; exit 1
}

dotnet "$HOST_DLL" serve --model "$MODEL" --urls "http://127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
PIDS+=("$SERVE_PID")
wait_for "http://127.0.0.1:$PORT/healthz" "$SERVE_PID" "$WORK/serve.log"

PEER=0
if [[ $SOAK == 0 ]] && "$PYTHON" -c "import torch, fastapi, uvicorn" 2>/dev/null; then
  "$PYTHON" "$PEERS/torch_serve.py" --port "$PEER_PORT" --threads 1 >"$WORK/peer.log" 2>&1 &
  PEER_PID=$!
  PIDS+=("$PEER_PID")
  wait_for "http://127.0.0.1:$PEER_PORT/healthz" "$PEER_PID" "$WORK/peer.log"
  PEER=1
else
  [[ $SOAK == 1 ]] || echo "PyTorch yardstick skipped (needs python3-torch python3-fastapi python3-uvicorn)" >&2
fi

load() { cut -d' ' -f1 /proc/loadavg; }

# run NAME URL LUA SECONDS: one wrk run; prints "NAME req/s p50 p99 non2xx errors load".
run() {
  local name="$1" url="$2" script="$3" seconds="$4" out
  out="$(wrk -t2 -c"$CONNECTIONS" -d"${seconds}s" --latency -s "$script" "$url" 2>&1)"
  echo "$out" >>"$WORK/wrk.txt"
  local rps p50 p99 non2xx errors
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
  errors="$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")"
  echo "$name $rps $p50 $p99 ${non2xx:-0} ${errors:-0} $(load)"
}

# Milliseconds from wrk's "1.23ms" / "456.00us" / "1.02s".
ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

if [[ $SOAK == 1 ]]; then
  rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVE_PID/status"; }
  echo "warming up..." >&2
  run warmup "http://127.0.0.1:$PORT/api/similarity" "$POST_LUA" 10 >/dev/null
  third=$((SECONDS_PER_RUN / 3))
  echo "soak: ${SECONDS_PER_RUN}s at $CONNECTIONS connections, bad requests from ${third}s to $((2 * third))s" >&2
  samples=()
  run good "http://127.0.0.1:$PORT/api/similarity" "$POST_LUA" "$SECONDS_PER_RUN" >"$WORK/good.txt" &
  GOOD=$!
  ( sleep "$third"; run bad "http://127.0.0.1:$PORT" "$WORK/bad.lua" "$third" >"$WORK/bad.txt" ) &
  BAD=$!
  for _ in $(seq 0 5 "$SECONDS_PER_RUN"); do samples+=("$(rss)"); sleep 5; done
  wait "$GOOD" "$BAD"
  samples+=("$(rss)")
  read -r _ rps p50 p99 non2xx errors avg <"$WORK/good.txt"
  read -r _ brps bp50 bp99 bnon2xx berrors _ <"$WORK/bad.txt"
  grep -q "Non-2xx" "$WORK/wrk.txt" || { echo "the bad requests were not refused: is bad.lua valid?" >&2; exit 1; }
  echo
  echo "| load | req/s | p50 | p99 | non-2xx | socket errors |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  echo "| good: POST /api/similarity, ${SECONDS_PER_RUN}s | $rps | $p50 | $p99 | $non2xx | $errors |"
  echo "| bad: 6 kinds in turn, ${third}s in the middle | $brps | $bp50 | $bp99 | $bnon2xx | $berrors |"
  echo
  echo "RSS every 5 s (KiB): ${samples[*]}"
  echo "load average at the end: $avg"
  grep -q " ERR\]\| FTL\]" "$WORK/serve.log" && { echo "the server logged errors:"; grep " ERR\]\| FTL\]" "$WORK/serve.log"; } || echo "the server logged no error"
  exit 0
fi

echo "warming up..." >&2
run warmup "http://127.0.0.1:$PORT/api/similarity" "$POST_LUA" 5 >/dev/null
run warmup "http://127.0.0.1:$PORT/api/search" "$WORK/search.lua" 5 >/dev/null
[[ $PEER == 1 ]] && run warmup "http://127.0.0.1:$PEER_PORT/similarity" "$POST_LUA" 5 >/dev/null

: >"$WORK/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  [[ $PEER == 1 ]] && run pytorch-similarity "http://127.0.0.1:$PEER_PORT/similarity" "$POST_LUA" "$SECONDS_PER_RUN" >>"$WORK/results.txt"
  run serve-similarity "http://127.0.0.1:$PORT/api/similarity" "$POST_LUA" "$SECONDS_PER_RUN" >>"$WORK/results.txt"
  run serve-search "http://127.0.0.1:$PORT/api/search" "$WORK/search.lua" "$SECONDS_PER_RUN" >>"$WORK/results.txt"
done

echo
echo "wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency, $(nproc) cores; model $MODEL"
echo
echo "| run | round | req/s | p50 ms | p99 ms | non-2xx | load average |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
declare -A n
while read -r name rps p50 p99 non2xx errors avg; do
  n[$name]=$(( ${n[$name]:-0} + 1 ))
  echo "| $name | ${n[$name]} | $rps | $(ms "$p50") | $(ms "$p99") | $non2xx | $avg |"
done <"$WORK/results.txt"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
for name in pytorch-similarity serve-similarity serve-search; do
  grep -q "^$name " "$WORK/results.txt" || continue
  rps="$(awk -v n="$name" '$1 == n {print $2}' "$WORK/results.txt" | median)"
  p99="$(awk -v n="$name" '$1 == n {print $4}' "$WORK/results.txt" | while read -r v; do ms "$v"; echo; done | median)"
  echo "median $name: $rps req/s, p99 $p99 ms"
  eval "median_${name//-/_}=$rps"
done
if [[ $PEER == 1 ]]; then
  awk -v a="$median_serve_similarity" -v b="$median_pytorch_similarity" 'BEGIN { printf "serve similarity / PyTorch similarity: %.1fx the requests per second\n", a / b }'
fi
