#!/usr/bin/env bash
# Cold start to the first answered call, NativeAOT and JIT, with the settings a user can change, and the
# floor (an ASP.NET Core NativeAOT app with one MapPost and nothing else; the runtime alone). Each row is
# started RUNS times by coldstart.c (fork/exec, connect every 1 ms, MakeHat once connected), from an empty
# working directory (the content root), and the table shows medians. Loopback only; bounded in time.
#
#   benchmarks/Http/coldstart.sh            # RUNS=11
#   RUNS=5 benchmarks/Http/coldstart.sh
#
# Columns: answer = fork to the first 200; listening = fork to the first accepted connection; cpu = CPU
# time of all the server's threads up to the answer (it does not grow while other processes hold the
# CPUs, so compare it on a shared machine); main/built/started = when Main ran, the host was built and
# Kestrel listened, as the server measured them (benchmarks/Http/Program.cs, ColdStart).
set -euo pipefail
runs=${RUNS:-11}; port=${PORT:-5370}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/twirp-coldstart.XXXXXX)
trap 'rm -rf "$out/empty" "$out/tree"' EXIT
mkdir "$out/empty"
# A content root like a project with node_modules: ASP.NET Core watches it for appsettings changes.
for i in $(seq 1 40); do for j in $(seq 1 50); do mkdir -p "$out/tree/d$i/e$j"; done; done

echo "building ..." >&2
cc -O2 -o "$out/coldstart" "$here/coldstart.c"
dotnet build -c Release -v q --nologo "$here/Twirp.Http.Benchmarks.csproj" >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
timeout 1200 dotnet publish -c Release -r linux-x64 -p:TwirpBenchmarkAot=true -o "$here/bin/aot" -v q --nologo \
  "$here/Twirp.Http.Benchmarks.csproj" >"$out/publish.log" 2>&1 || { cat "$out/publish.log"; exit 1; }
# The same server with the size settings a user can add (its own intermediate folder, so the two builds do not mix).
timeout 1200 dotnet publish -c Release -r linux-x64 -p:TwirpBenchmarkAot=true -p:UseSystemResourceKeys=true -p:OptimizationPreference=Size \
  -p:StackTraceSupport=false -p:IntermediateOutputPath=obj/small/ -o "$here/bin/aot-small" -v q --nologo \
  "$here/Twirp.Http.Benchmarks.csproj" >"$out/publish-small.log" 2>&1 || { cat "$out/publish-small.log"; exit 1; }
timeout 1200 dotnet publish -c Release -r linux-x64 -o "$here/bin/floor" -v q --nologo \
  "$here/Floor/Floor.csproj" >"$out/floor.log" 2>&1 || { cat "$out/floor.log"; exit 1; }
aot=$here/bin/aot/Twirp.Http.Benchmarks; jit=$here/bin/Release/net10.0/Twirp.Http.Benchmarks; floor=$here/bin/floor/Floor
small=$here/bin/aot-small/Twirp.Http.Benchmarks
size() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { grep -o "$1=[0-9.]*" "$2" | cut -d= -f2 | median; }

# row name, directory to start in, then env assignments and the command (without the url).
row() {
  local name=$1 dir=$2; shift 2
  : >"$out/row.txt"
  for _ in $(seq 1 "$runs"); do
    local u="http://127.0.0.1:$port"
    (cd "$dir" && timeout 30 env "$@" "$u" 2>&1 | sed 's/^/ /') >>"$out/row.txt" || true
  done
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$(field answer_ms "$out/row.txt")" "$(field listening_ms "$out/row.txt")" \
    "$(field cpu_ms "$out/row.txt")" "$(field main "$out/row.txt")" "$(field built "$out/row.txt")" "$(field listening "$out/row.txt")"
}
cs=("$out/coldstart" "$port")
e=$out/empty

echo "measuring ($runs runs per row; load: $(cut -d' ' -f1-3 /proc/loadavg)) ..." >&2
hello=$(for _ in $(seq 1 "$runs"); do (cd "$e" && "$out/coldstart" -x "$floor" hello); done)
echo
echo "Cold start to the first answered call, median of $runs starts from an empty directory"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, .NET $(dotnet --version), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "NativeAOT runtime alone (floor binary, \`hello\`): Main after $(echo "$hello" | grep -o 'main_ms=[0-9.]*' | cut -d= -f2 | median) ms, exit after $(echo "$hello" | grep -o 'exit_ms=[0-9.]*' | cut -d= -f2 | median) ms"
echo "Binaries: floor $(size "$floor"), generated server $(size "$aot"), with the size settings $(size "$small")"
echo
echo "| server | answer ms | listening ms | cpu ms | main ms | built ms | started ms |"
echo "|---|---:|---:|---:|---:|---:|---:|"
row "floor: MapPost on CreateEmptyBuilder, no Twirp (AOT)" "$e" X=1 "${cs[@]}" "$floor" serve
row "bare MapPost, benchmark binary (AOT)" "$e" X=1 "${cs[@]}" "$aot" serve bare
row "hand-written Twirp endpoint (AOT)" "$e" X=1 "${cs[@]}" "$aot" serve hand
row "generated (AOT, CreateSlimBuilder)" "$e" X=1 "${cs[@]}" "$aot" serve generated
row "generated (AOT), CreateEmptyBuilder" "$e" TWIRP_BENCH_BUILDER=empty "${cs[@]}" "$aot" serve generated
row "generated (AOT), workstation GC" "$e" DOTNET_gcServer=0 "${cs[@]}" "$aot" serve generated
row "generated (AOT), workstation non-concurrent GC" "$e" DOTNET_gcServer=0 DOTNET_gcConcurrent=0 "${cs[@]}" "$aot" serve generated
row "generated (AOT), EmptyBuilder + workstation non-concurrent GC" "$e" TWIRP_BENCH_BUILDER=empty DOTNET_gcServer=0 DOTNET_gcConcurrent=0 "${cs[@]}" "$aot" serve generated
row "generated (AOT), UseSystemResourceKeys + OptimizationPreference=Size + StackTraceSupport=false" "$e" X=1 "${cs[@]}" "$small" serve generated
row "generated (AOT), all of the above: size settings, EmptyBuilder, workstation non-concurrent GC" "$e" TWIRP_BENCH_BUILDER=empty DOTNET_gcServer=0 DOTNET_gcConcurrent=0 "${cs[@]}" "$small" serve generated
row "generated (AOT), started in a directory of 2,000 subdirectories" "$out/tree" X=1 "${cs[@]}" "$aot" serve generated
row "generated (AOT), 2,000 subdirectories, reloadConfigOnChange=false" "$out/tree" DOTNET_hostBuilder__reloadConfigOnChange=false "${cs[@]}" "$aot" serve generated
row "generated (AOT), started in the repository root" "$here/../.." X=1 "${cs[@]}" "$aot" serve generated
row "generated (AOT), repository root, reloadConfigOnChange=false" "$here/../.." DOTNET_hostBuilder__reloadConfigOnChange=false "${cs[@]}" "$aot" serve generated
row "generated (JIT)" "$e" X=1 "${cs[@]}" "$jit" serve generated
row "hand-written Twirp endpoint (JIT)" "$e" X=1 "${cs[@]}" "$jit" serve hand
echo
echo "raw: $out"
