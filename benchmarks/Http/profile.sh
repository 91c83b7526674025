#!/usr/bin/env bash
# CPU profile of one server of run.sh under wrk load: Linux perf samples the server's CPU for SECONDS
# after a warm-up (JIT frames named through DOTNET_PerfMapEnabled), then prints the hottest symbols,
# exclusive and inclusive. Where perf is missing or refused, dotnet-trace (a local tool in this folder's
# manifest) samples thread time instead, a weaker view. Loopback only, bounded in time.
#   benchmarks/Http/profile.sh [generated|hand|bare] [protobuf|json] [seconds=15]
set -euo pipefail
mode=${1:-generated}; encoding=${2:-protobuf}; seconds=${3:-15}; port=${PORT:-5390}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/twirp-http-profile.XXXXXX)
command -v wrk >/dev/null || { echo "wrk is missing: run run.sh once (it installs it) or apt-get install wrk" >&2; exit 1; }
dotnet build -c Release -v q --nologo "$here/Twirp.Http.Benchmarks.csproj" >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
(cd "$here" && dotnet tool restore >/dev/null)
pin_server=(); pin_load=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin_server=(taskset -c 0); pin_load=(taskset -c 1); fi

url="http://127.0.0.1:$port"
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 "${pin_server[@]}" "$here/bin/Release/net10.0/Twirp.Http.Benchmarks" serve "$mode" "$url" >"$out/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do curl -s -o /dev/null "$url/allocated" && break || sleep 0.05; done
if [ "$encoding" = json ]; then
  printf 'wrk.method = "POST"\nwrk.body = "{\\"inches\\":12}"\nwrk.headers["Content-Type"] = "application/json"\n' >"$out/load.lua"
else
  printf 'wrk.method = "POST"\nwrk.body = "\\8\\12"\nwrk.headers["Content-Type"] = "application/protobuf"\n' >"$out/load.lua"
fi
path=/twirp/twirp.example.haberdasher.Haberdasher/MakeHat
timeout 60 "${pin_load[@]}" wrk -t1 -c32 -d20s -s "$out/load.lua" "$url$path" >/dev/null
timeout $((seconds + 40)) "${pin_load[@]}" wrk -t1 -c32 -d$((seconds + 10))s -s "$out/load.lua" "$url$path" >"$out/wrk.txt" &
load=$!
sleep 3
if command -v perf >/dev/null && timeout $((seconds + 30)) perf record -F 997 -g -o "$out/perf.data" -p "$server" -- sleep "$seconds" >"$out/perf.log" 2>&1; then
  wait "$load" || true
  echo "== $mode $encoding: $(grep Requests/sec "$out/wrk.txt")"
  # The server's CPU per request: samples / frequency over the requests in the sampled seconds. A frame's
  # share below times this is its cost per request in microseconds.
  samples=$(perf script -i "$out/perf.data" -F period 2>/dev/null | wc -l)
  awk -v n="$samples" -v s="$seconds" '/Requests\/sec/ { rps = $2 } END { printf "== server CPU per request: %.2f us (%d samples at 997 Hz over %d s, %.0f req/s)\n", n / 997 / (rps * s) * 1e6, n, s, rps }' "$out/wrk.txt"
  echo "== exclusive"
  perf report -i "$out/perf.data" --stdio --no-children --sort sym -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60 || true
  echo "== inclusive"
  perf report -i "$out/perf.data" --stdio --children --sort sym -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -120 || true
  echo "perf data: $out/perf.data"
else
  (cd "$here" && timeout $((seconds + 60)) dotnet dotnet-trace collect -p "$server" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf '%02d' "$seconds")" -o "$out/trace.nettrace" >"$out/trace.log" 2>&1)
  wait "$load" || true
  echo "== $mode $encoding: $(grep Requests/sec "$out/wrk.txt")"
  (cd "$here" && dotnet dotnet-trace report "$out/trace.nettrace" topN -n 40 --inclusive)
  echo "trace: $out/trace.nettrace"
fi
