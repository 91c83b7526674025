#!/usr/bin/env bash
# Soak: drives the sample server (Release) with JSON and protobuf calls for N minutes and samples its
# RSS (from /proc) and GC heap (dotnet-counters, a local tool in this folder's manifest), then prints
# both series. Not a test; figures go to docs/hosting.md.
#   benchmarks/soak/run.sh [minutes=10] [workers=8] [interval_s=30] [port=5099]
set -euo pipefail
minutes=${1:-10}; workers=${2:-8}; interval=${3:-30}; port=${4:-5099}
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
out=$(mktemp -d /tmp/twirp-soak.XXXXXX)

dotnet build -c Release -v q --nologo "$root/sample/Haberdasher/Haberdasher.csproj" >/dev/null
dotnet build -c Release -v q --nologo "$root/benchmarks/Twirp.Soak/Twirp.Soak.csproj" >/dev/null
(cd "$here" && dotnet tool restore >/dev/null)

# Logging at Warning: the sample's per-call log line would otherwise be what the soak measures.
dotnet "$root/sample/Haberdasher/bin/Release/net10.0/Haberdasher.dll" --urls "http://127.0.0.1:$port" \
  --Logging:LogLevel:Default=Warning >"$out/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; [ -n "${counters:-}" ] && kill $counters 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break || sleep 0.2
done

# A background job ignores SIGINT, dotnet-counters' stop signal: it stops by --duration instead.
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 + 5 }')
(cd "$here" && exec dotnet dotnet-counters collect -p "$server" --refresh-interval "$interval" --format csv -o "$out/counters.csv" \
  --duration "$(printf '00:%02d:%02d:%02d' $((seconds / 3600)) $((seconds % 3600 / 60)) $((seconds % 60)))" \
  --counters System.Runtime >/dev/null 2>&1) &
counters=$!

(
  echo "elapsed_s,rss_mb"
  start=$(date +%s)
  while kill -0 "$server" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$server/status" 2>/dev/null || echo 0)
    echo "$(( $(date +%s) - start )),$(( rss / 1024 ))"
    sleep "$interval"
  done
) >"$out/rss.csv" &
sampler=$!

"$root/benchmarks/Twirp.Soak/bin/Release/net10.0/Twirp.Soak" "http://127.0.0.1:$port" "$minutes" "$workers" "$interval" | tee "$out/load.csv"
status=${PIPESTATUS[0]}
sleep 1
kill "$sampler" 2>/dev/null || true
for _ in $(seq 1 30); do kill -0 "$counters" 2>/dev/null && sleep 1 || break; done
sleep 2

echo; echo "== server RSS (MB), every ${interval}s"; cat "$out/rss.csv"
echo; echo "== GC heap and working set (dotnet-counters, System.Runtime), every ${interval}s"
if [ -s "$out/counters.csv" ]; then
  # One row per sample: the GC heap after the last collection (all generations, then gen2 and LOH) and the working set.
  awk -F, 'NR > 1 {
      t = $1; if (!(t in seen)) { seen[t] = 1; order[++n] = t }
      if ($3 ~ /gc.last_collection.heap.size/) { heap[t] += $NF; if ($3 ~ /gen2/) gen2[t] = $NF; if ($3 ~ /loh/) loh[t] = $NF }
      if ($3 ~ /process.memory.working_set/) ws[t] = $NF
    }
    END {
      print "time,gc_heap_mb,gen2_mb,loh_mb,working_set_mb"
      for (i = 1; i <= n; i++) { t = order[i]; printf "%s,%.1f,%.1f,%.1f,%.1f\n", t, heap[t] / 1048576, gen2[t] / 1048576, loh[t] / 1048576, ws[t] / 1048576 }
    }' "$out/counters.csv"
else
  echo "(dotnet-counters wrote nothing)"
fi
echo; echo "raw files: $out"
exit "$status"
