#!/usr/bin/env bash
# bench/run.sh: the gateway against its upstream, as separate processes on 127.0.0.1, in one run.
#
# Starts a fast OpenAI-compatible upstream (io.g4f.bench.Upstream: one SSE event per write, JSON whole
# answers), the gateway jar as the README starts it (java -jar vertx-server/target/g4f-server.jar, with a
# generated --config naming that upstream), optionally a peer gateway in front of
# the same upstream, and a load generator (io.g4f.bench.WireBench, Vert.x HttpClient and a raw socket),
# then prints one table of ratios gateway/direct and draws latency percentiles as a PNG (gnuplot) and SVG.
# The config names the upstream twice: "bench" (HTTP/1.1, every phase) and "bench-h2c" ("http2": true), through
# which the open and concurrent streams are held once more, so that the gateway holds one descriptor per stream.
# The load generator also runs bench/ttft.mjs with node (time to first token through Node's fetch) when a
# node 18+ is on PATH, and holds thousands of slow streams open at once (so the run raises `ulimit -n`).
# Every process it starts is bounded in time and stopped when the script exits.
#
# What it may install (and says so when it does):
#   - gnuplot-nox with apt-get, to draw the PNG (skipped without root or apt-get: the SVG is still written);
#   - with --peer portkey: node and npm with apt-get if missing, and @portkey-ai/gateway with npm into
#     bench/.peer/portkey (git-ignored);
#   - the Maven build of bench/ and vertx-server/ when their jars are missing (or with --build).
# It does not install node for the row "time to first token, Node fetch": without a node 18+ on PATH
# that row is skipped, and the script says so.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/run.sh [flags]
  --quick             short run: warm-up 5 s per target, 1 s re-warm and 3 s per measurement, 1,000 open
                      and 3,000 concurrent streams
  --smoke             shorter still: 3 s warm-up, 1 s re-warm, 2 s per measurement, 200 open and 1,000
                      concurrent streams (checks the harness only)
  --peer portkey      also put the Portkey gateway (npm @portkey-ai/gateway) in front of the same upstream
  --client            also run the client library against openai-java on the same upstream
  --warmup S          seconds of mixed load per target before the first measurement, its rate per second
                      giving the time to a steady rate (default 30)
  --phase-warmup S    seconds of a phase's own load per target before it is measured (default 3)
  --seconds S         measured seconds per phase and target (default 10)
  --connections N     callers at once in the rate phases (default 50)
  --tokens N          tokens per answer (default 20); --long-tokens N for the long whole answers (default 500)
  --open-streams N    slow streams held open at once to read RSS with them open (and with --client, to weigh
                      heap per stream) (default 1000)
  --concurrent-streams N  slow streams held open at once to count errors and time to open them, through the
                      gateway's HTTP/1.1 provider and again through its h2c one (default 10000)
  --out DIR           where the table, data and plots go (default bench/target/run)
  --build             rebuild the jars first (mvn -B -q -DskipTests -pl bench -am package; MVN_FLAGS adds flags)
  --gateway-java-opts "..."  JVM flags for the gateway (default: $G4F_JAVA_OPTS, else those of the README's
                      first command); the table's header shows the flags the gateway ran with
  --gateway-args "..."  more gateway flags after --config and --port (e.g. "--event-loops 1")
EOF
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WARMUP=30 PHASE_WARMUP=3 SECONDS_PER=10 CONNECTIONS=50 TOKENS=20 LONG_TOKENS=500
OPEN_STREAMS=1000 CONCURRENT_STREAMS=10000 PEER="" CLIENT=0 BUILD=0 OUT="$ROOT/bench/target/run" GATEWAY_ARGS=""
# The JVM flags of the README's first command (java FLAGS -jar vertx-server/target/g4f-server.jar), so that the
# gateway runs as the README runs it.
README_JAVA_OPTS=$(grep -m1 -o 'java .* -jar vertx-server/target/g4f-server.jar' "$ROOT/README.md" | sed 's/^java //; s/ *-jar .*//')
GATEWAY_JAVA_OPTS=${G4F_JAVA_OPTS:-$README_JAVA_OPTS}
PORTKEY_VERSION=${PORTKEY_VERSION:-1.15.2}
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) WARMUP=5 PHASE_WARMUP=1 SECONDS_PER=3 OPEN_STREAMS=1000 CONCURRENT_STREAMS=3000 ;;
    --smoke) WARMUP=3 PHASE_WARMUP=1 SECONDS_PER=2 OPEN_STREAMS=200 CONCURRENT_STREAMS=1000 ;;
    --open-streams) OPEN_STREAMS=$2; shift ;;
    --concurrent-streams) CONCURRENT_STREAMS=$2; shift ;;
    --peer) PEER=$2; shift ;;
    --client) CLIENT=1 ;;
    --warmup) WARMUP=$2; shift ;;
    --phase-warmup) PHASE_WARMUP=$2; shift ;;
    --seconds) SECONDS_PER=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --tokens) TOKENS=$2; shift ;;
    --long-tokens) LONG_TOKENS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --build) BUILD=1 ;;
    --gateway-java-opts) GATEWAY_JAVA_OPTS=$2; shift ;;
    --gateway-args) GATEWAY_ARGS=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown flag: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$PEER" ] && [ "$PEER" != portkey ]; then
  echo "--peer: only 'portkey' is known" >&2
  exit 2
fi

say() { echo "[run.sh $(date -u +%H:%M:%S)] $*" >&2; }
BENCH_JAR="$ROOT/bench/target/g4f-bench.jar"
SERVER_JAR="$ROOT/vertx-server/target/g4f-server.jar"

# ---- what the run needs
command -v java >/dev/null || { echo "java (17+) is required" >&2; exit 1; }
if [ "$BUILD" = 1 ] || [ ! -f "$BENCH_JAR" ] || [ ! -f "$SERVER_JAR" ]; then
  say "building the jars: mvn -B -q ${MVN_FLAGS:-} -DskipTests -pl bench -am package"
  (cd "$ROOT" && mvn -B -q ${MVN_FLAGS:-} -DskipTests -pl bench -am package)
fi
apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing $* with apt-get (Debian packages)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1; } \
      || say "could not install $*"
  else
    say "$* missing and not installable here (needs root and apt-get)"
  fi
}
command -v gnuplot >/dev/null || apt_install gnuplot-nox
if [ "$PEER" = portkey ]; then
  command -v npm >/dev/null || apt_install nodejs npm
  PEER_DIR="$ROOT/bench/.peer/portkey"
  PORTKEY_MAIN="$PEER_DIR/node_modules/@portkey-ai/gateway/build/start-server.js"
  PEER_PACKAGE='{"private": true, "dependencies": {"@portkey-ai/gateway": "'$PORTKEY_VERSION'"}}'
  if [ ! -f "$PORTKEY_MAIN" ] || [ "$(cat "$PEER_DIR/package.json" 2>/dev/null)" != "$PEER_PACKAGE" ]; then
    say "installing @portkey-ai/gateway@$PORTKEY_VERSION with npm into $PEER_DIR"
    mkdir -p "$PEER_DIR"
    echo "$PEER_PACKAGE" >"$PEER_DIR/package.json"
    (cd "$PEER_DIR" && npm install --no-audit --no-fund --silent >/dev/null)
  fi
fi

NODE=""
if command -v node >/dev/null && node -e 'process.exit(typeof fetch === "function" ? 0 : 1)' 2>/dev/null; then
  NODE=$(command -v node)
else
  say "no node 18+ (with its built-in fetch) on PATH: the row 'time to first token, Node fetch' is skipped"
fi

# Held streams need a descriptor each in the load generator and the upstream, two in a gateway (caller
# and upstream) with an HTTP/1.1 upstream, one with an h2c upstream (whose connections carry 100 streams each);
# the limit set here is inherited by every process of the run.
if ulimit -n 65536 2>/dev/null; then
  say "open files: raised to 65536 (ulimit -n) for the processes of this run"
else
  ulimit -n "$(ulimit -Hn)"
  say "open files: 65536 not allowed here (ulimit -n), raised to the hard limit $(ulimit -n)"
fi
if [ "$(ulimit -n)" != unlimited ] && [ $(( 2 * CONCURRENT_STREAMS + 200 )) -gt "$(ulimit -n)" ]; then
  say "warning: $CONCURRENT_STREAMS concurrent streams need about $(( 2 * CONCURRENT_STREAMS + 200 )) descriptors in a"\
" gateway with an HTTP/1.1 upstream, more than $(ulimit -n): expect errors from the gateway (and the peer) in that"\
" phase, but not through the h2c provider"
fi

# ---- processes, stopped on exit whatever happens
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/g4f-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# An upper bound for the whole run: every process is killed after it even if this script is killed hard.
TARGETS=2; [ -n "$PEER" ] && TARGETS=3
# Held streams: each count is opened within 30 s + 6 ms a stream, held 2 s and closed within 30 s, through
# each target and once more through the h2c provider.
MAX_SECONDS=$(( TARGETS * (WARMUP + 6 * (PHASE_WARMUP + SECONDS_PER) + 30)
  + (TARGETS + 1) * (2 * 65 + 6 * (OPEN_STREAMS + CONCURRENT_STREAMS) / 1000) + 2 * WARMUP + 6 * SECONDS_PER + 300 ))

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2; exit 1
}
wait_port() {  # name port pid
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then return 0; fi
    kill -0 "$3" 2>/dev/null || { echo "$1 exited; its log:" >&2; tail -20 "$WORK/$1.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$1 did not listen on $2 within 30 s" >&2; exit 1
}
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "-"; }

say "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); $(java -version 2>&1 | head -1)"
say "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
say "settings: warm-up ${WARMUP}s per target, re-warm ${PHASE_WARMUP}s and ${SECONDS_PER}s per measurement, $CONNECTIONS connections,"\
" $TOKENS tokens (long: $LONG_TOKENS), $OPEN_STREAMS open and $CONCURRENT_STREAMS concurrent streams, peer: ${PEER:-none},"\
" client: $CLIENT, gateway JVM flags: ${GATEWAY_JAVA_OPTS:-none}; processes stop after ${MAX_SECONDS}s at the latest"

UP_PORT=$(free_port)
java -cp "$BENCH_JAR" io.g4f.bench.Upstream --port="$UP_PORT" --max-seconds="$MAX_SECONDS" >"$WORK/upstream.log" 2>&1 &
UP_PID=$!; PIDS+=("$UP_PID")
wait_port upstream "$UP_PORT" "$UP_PID"

GW_PORT=$(free_port)
cat >"$WORK/g4f.json" <<EOF
{"providers": [{"name": "bench", "type": "openai", "baseUrl": "http://127.0.0.1:$UP_PORT/v1", "apiKey": "sk-bench"},
  {"name": "bench-h2c", "type": "openai", "baseUrl": "http://127.0.0.1:$UP_PORT/v1", "apiKey": "sk-bench", "http2": true}]}
EOF
# The README's command, with the config and port; a clean environment so that no key or G4F_* variable
# of this shell adds a provider. The access log (stderr) goes to a file, as a deployment's would.
# shellcheck disable=SC2086
env -i PATH="$PATH" HOME="${HOME:-/tmp}" java $GATEWAY_JAVA_OPTS -jar "$SERVER_JAR" --config "$WORK/g4f.json" \
  --port "$GW_PORT" $GATEWAY_ARGS >"$WORK/gateway.log" 2>&1 &
GW_PID=$!; PIDS+=("$GW_PID")
wait_port gateway "$GW_PORT" "$GW_PID"
say "upstream pid $UP_PID on :$UP_PORT; gateway pid $GW_PID on :$GW_PORT, RSS before load $(rss "$GW_PID") MiB"

PEER_ARGS=()
if [ "$PEER" = portkey ]; then
  PK_PORT=$(free_port)
  # A preload: Portkey listens on every interface, this makes it listen on 127.0.0.1 only. And its
  # streamed answers fail with "TypeError: immutable" (HTTP 500) when it adds its headers to the
  # upstream's fetch Response (Portkey-AI/gateway#1389, #1550); for event streams only, the wrap below
  # gives it a Response with mutable headers, as the proposed fix (Portkey-AI/gateway#1551) does inside.
  cat >"$WORK/loopback.cjs" <<'EOF'
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number') {
    if (typeof args[1] !== 'string') args.splice(1, args[1] === undefined ? 1 : 0, '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined) {
    args[0] = Object.assign({}, args[0], { host: '127.0.0.1' });
  }
  return listen.apply(this, args);
};
const fetch0 = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const r = await fetch0(...args);
  if (!String(r.headers.get('content-type')).includes('text/event-stream')) return r;
  return new Response(r.body, { status: r.status, statusText: r.statusText, headers: new Headers(r.headers) });
};
EOF
  (cd "$PEER_DIR" && exec node --require "$WORK/loopback.cjs" "$PORTKEY_MAIN" --port="$PK_PORT" --headless) \
    >"$WORK/portkey.log" 2>&1 &
  PK_PID=$!; PIDS+=("$PK_PID")
  wait_port portkey "$PK_PORT" "$PK_PID"
  say "portkey $PORTKEY_VERSION pid $PK_PID on :$PK_PORT"
  PEER_ARGS=(--peer="portkey:$PK_PORT" --peer-pid="$PK_PID"
    --peer-headers="x-portkey-provider: openai|x-portkey-custom-host: http://127.0.0.1:$UP_PORT/v1|authorization: Bearer sk-bench")
fi
# shellcheck disable=SC2016
( trap 'kill $sleeper 2>/dev/null; exit 0' TERM; sleep "$MAX_SECONDS" & sleeper=$!; wait $sleeper; kill "${PIDS[@]}" ) \
  >/dev/null 2>&1 &
PIDS+=($!)

STATUS=0
timeout "$MAX_SECONDS" java -cp "$BENCH_JAR" io.g4f.bench.WireBench --direct="$UP_PORT" --direct-pid="$UP_PID" \
  --gateway="$GW_PORT" --gateway-pid="$GW_PID" "${PEER_ARGS[@]}" --warmup="$WARMUP" --phase-warmup="$PHASE_WARMUP" \
  --seconds="$SECONDS_PER" --connections="$CONNECTIONS" --tokens="$TOKENS" --long-tokens="$LONG_TOKENS" \
  --open-streams="$OPEN_STREAMS" --concurrent-streams="$CONCURRENT_STREAMS" --h2c-provider=bench-h2c --node="$NODE" \
  --node-ttft="$ROOT/bench/ttft.mjs" --clk-tck="$(getconf CLK_TCK)" --out="$OUT" | tee "$OUT/table.txt" || STATUS=$?

if [ "$CLIENT" = 1 ]; then
  timeout "$MAX_SECONDS" java -cp "$BENCH_JAR" io.g4f.bench.ClientBench --upstream="$UP_PORT" \
    --warmup="$WARMUP" --seconds="$SECONDS_PER" --connections="$CONNECTIONS" --tokens="$TOKENS" \
    --open-streams="$OPEN_STREAMS" | tee "$OUT/client.txt" || STATUS=$?
fi

if command -v gnuplot >/dev/null && [ -f "$OUT/latency.dat" ]; then
  gnuplot <<EOF && say "plot: $OUT/latency.png"
set terminal pngcairo size 1000,420 font "sans,10"
set output "$OUT/latency.png"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set key top left
set ylabel "microseconds (log scale)"
set grid ytics
set logscale y
set multiplot layout 1,2
set title "one whole answer at a time ($TOKENS tokens)"
plot "$OUT/latency.dat" using 2:xtic(1) title "p50", "" using 3 title "p90", "" using 4 title "p99"
set title "time to first token, raw socket"
plot "$OUT/latency.dat" using 5:xtic(1) title "p50", "" using 6 title "p90", "" using 7 title "p99"
unset multiplot
EOF
fi
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); table: $OUT/table.txt; SVG: $OUT/latency.svg"
cp "$WORK/gateway.log" "$OUT/gateway.log" 2>/dev/null || true
[ -f "$WORK/portkey.log" ] && cp "$WORK/portkey.log" "$OUT/portkey.log"
say "gateway log lines with WARN/ERROR/SEVERE: $(grep -c 'WARN\|SEVERE\|ERROR' "$OUT/gateway.log" || true) ($OUT/gateway.log)"
exit "$STATUS"
