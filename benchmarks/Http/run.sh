#!/usr/bin/env bash
# Twirp over real HTTP, side by side: a bare endpoint (the limit), a hand-written Twirp endpoint, the
# generated server (JIT and NativeAOT), in protobuf and JSON; then the generated client against a
# hand-written HttpClient call. Prints one table. Loopback only; every step is bounded in time.
#
#   benchmarks/Http/run.sh                 # 20 s warm-up per row, 5 interleaved rounds of 10 s
#   WARMUP=3 ROUND=3 ROUNDS=2 benchmarks/Http/run.sh   # quick mode (about 2 minutes)
#
# Settings (environment): WARMUP seconds per row, ROUND seconds per measurement, ROUNDS, CONNECTIONS
# (wrk -c), AOT=0 to skip the NativeAOT rows, CLIENT=0 to skip the client rows, PORT first port.
# The server is pinned to CPU 0 and wrk (or the client) to CPU 1 where taskset exists and there are two
# CPUs. Needs wrk (installed from Debian's packages when missing, as root), curl and a C compiler (cc).
set -euo pipefail
warmup=${WARMUP:-20}; round=${ROUND:-10}; rounds=${ROUNDS:-5}; connections=${CONNECTIONS:-32}
aot=${AOT:-1}; client=${CLIENT:-1}; port=${PORT:-5310}
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
out=$(mktemp -d /tmp/twirp-http-bench.XXXXXX)

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    timeout 300 apt-get update -qq >/dev/null && timeout 300 apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is missing: apt-get install wrk (as root)" >&2; exit 1
  fi
fi
server_cpu=(); load_cpu=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server_cpu=(taskset -c 0); load_cpu=(taskset -c 1)
fi

echo "building (Release) ..." >&2
dotnet build -c Release -v q --nologo "$here/Twirp.Http.Benchmarks.csproj" >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
jit=("$here/bin/Release/net10.0/Twirp.Http.Benchmarks")
if [ "$aot" = 1 ]; then
  echo "publishing NativeAOT ..." >&2
  timeout 1200 dotnet publish -c Release -r linux-x64 -p:TwirpBenchmarkAot=true -o "$here/bin/aot" -v q --nologo \
    "$here/Twirp.Http.Benchmarks.csproj" >"$out/publish.log" 2>&1 || { cat "$out/publish.log"; exit 1; }
fi

# wrk scripts: MakeHat(Size{inches: 12}) in each encoding.
printf 'wrk.method = "POST"\nwrk.body = "\\8\\12"\nwrk.headers["Content-Type"] = "application/protobuf"\n' >"$out/protobuf.lua"
printf 'wrk.method = "POST"\nwrk.body = "{\\"inches\\":12}"\nwrk.headers["Content-Type"] = "application/json"\n' >"$out/json.lua"
mkdir "$out/empty"
cc -O2 -o "$out/coldstart" "$here/coldstart.c"
path=/twirp/twirp.example.haberdasher.Haberdasher/MakeHat

declare -A pid url cold
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# Starts a server alone and measures the time to its first answered call with coldstart.c (fork, connect
# every 1 ms, MakeHat; see coldstart.sh), from an empty directory: the content root, which ASP.NET Core
# watches for appsettings changes, so a large working directory would slow every start.
start_server() { # name, command...
  local name=$1; shift
  local u="http://127.0.0.1:$port" p=$port; port=$((port + 1))
  (cd "$out/empty" && timeout 30 "${load_cpu[@]}" "$out/coldstart" -k "$p" "${server_cpu[@]}" "$@" serve "${name%-*}" "$u") >"$out/$name.log" 2>&1 \
    || { cat "$out/$name.log"; exit 1; }
  local line; line=$(grep -o 'answer_ms=[0-9.]* cpu_ms=[0-9.]* pid=[0-9]*' "$out/$name.log")
  cold[$name]=$(echo "$line" | sed 's/.*answer_ms=\([0-9]*\).*/\1/'); pid[$name]=${line##*pid=}; url[$name]=$u
  pids+=("${pid[$name]}")
}

echo "starting servers ..." >&2
start_server bare-jit "${jit[@]}"
start_server hand-jit "${jit[@]}"
start_server generated-jit "${jit[@]}"
[ "$aot" = 1 ] && start_server generated-aot "$here/bin/aot/Twirp.Http.Benchmarks"

# Rows: server process and encoding. The bare endpoint ignores the body, so it has one row.
rows=(bare-jit:protobuf hand-jit:protobuf generated-jit:protobuf hand-jit:json generated-jit:json)
[ "$aot" = 1 ] && rows+=(generated-aot:protobuf generated-aot:json)

# One wrk run; appends "row rps p50_us p99_us bytes_per_request" to the results.
measure() { # row, seconds, results file
  local server=${1%%:*} encoding=${1##*:}
  local before; before=$(curl -s "${url[$server]}/allocated")
  timeout $(($2 + 30)) "${load_cpu[@]}" wrk -t1 -c"$connections" -d"${2}s" --latency -s "$out/$encoding.lua" "${url[$server]}$path" >"$out/wrk.txt" 2>&1 || true
  local after; after=$(curl -s "${url[$server]}/allocated")
  awk -v row="$1" -v allocated=$((after - before)) '
    function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1000000; return v }
    /Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = us($2) } /^ +99%/ { p99 = us($2) }
    /requests in/ { requests = $1 } /Non-2xx/ { bad = $NF }
    END { if (bad) print "warning: " row ": " bad " non-2xx answers" > "/dev/stderr"
          printf "%s %.0f %.0f %.0f %.0f\n", row, rps, p50, p99, requests ? allocated / requests : 0 }' "$out/wrk.txt" >>"$3"
}

echo "warm-up: ${warmup}s per row ..." >&2
for row in "${rows[@]}"; do measure "$row" "$warmup" "$out/warmup.txt"; done
echo "measuring: $rounds interleaved rounds of ${round}s (load: $(cut -d' ' -f1-3 /proc/loadavg)) ..." >&2
for r in $(seq 1 "$rounds"); do
  order=("${rows[@]}")
  if [ $((r % 2)) = 0 ]; then # alternate the order so no row always follows the same neighbour
    order=(); for ((i = ${#rows[@]} - 1; i >= 0; i--)); do order+=("${rows[$i]}"); done
  fi
  for row in "${order[@]}"; do measure "$row" "$round" "$out/results.txt"; done
done
declare -A rss
for name in "${!pid[@]}"; do rss[$name]=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/${pid[$name]}/status"); done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column_of() { awk -v row="$1" -v c="$2" '$1 == row { print $c }' "$out/results.txt" | median; }

echo
echo "Twirp over HTTP: MakeHat (15-byte Hat), wrk -t1 -c$connections, ${warmup}s warm-up, median of $rounds interleaved ${round}s rounds"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), .NET $(dotnet --version), pinned: ${server_cpu[*]:-no}; load average after: $load_after"
echo
echo "| server | encoding | req/s | vs hand-written | p50 µs | p99 µs | allocated per request B | RSS after load MB | first answer ms |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
  server=${row%%:*} encoding=${row##*:}
  rps=$(column_of "$row" 2); hand=$(column_of "hand-jit:$encoding" 2)
  ratio=$(awk -v a="$rps" -v b="$hand" 'BEGIN { printf "%.3f", b ? a / b : 0 }')
  echo "| $server | $encoding | $rps | $ratio | $(column_of "$row" 3) | $(column_of "$row" 4) | $(column_of "$row" 5) | ${rss[$server]} | ${cold[$server]} |"
done

if [ "$client" = 1 ]; then
  # The client side: the generated client and a hand-written HttpClient call, against the generated
  # server (JIT), each from 32 concurrent loops pinned where wrk ran.
  echo "client rounds ..." >&2
  : >"$out/clients.txt"
  for r in $(seq 1 "$rounds"); do
    for c in generated:protobuf hand:protobuf generated:json hand:json; do
      line=$(timeout $((round + 60)) "${load_cpu[@]}" "${jit[@]}" client "${c%%:*}" "${url[generated-jit]}" "${c##*:}" "$round" "$connections")
      echo "$c $(echo "$line" | sed 's/calls_per_s=//; s/bytes_per_call=//')" >>"$out/clients.txt"
    done
  done
  echo
  echo "| client (against the generated server) | encoding | calls/s | vs hand-written | allocated per call (client process) |"
  echo "|---|---|---:|---:|---:|"
  for c in generated:protobuf hand:protobuf generated:json hand:json; do
    rate=$(awk -v c="$c" '$1 == c { print $2 }' "$out/clients.txt" | median)
    hand=$(awk -v c="hand:${c##*:}" '$1 == c { print $2 }' "$out/clients.txt" | median)
    bytes=$(awk -v c="$c" '$1 == c { print $3 }' "$out/clients.txt" | median)
    echo "| ${c%%:*} | ${c##*:} | $rate | $(awk -v a="$rate" -v b="$hand" 'BEGIN { printf "%.3f", b ? a / b : 0 }') | $bytes B |"
  done
fi
echo
echo "raw results: $out"
