#!/usr/bin/env bash
# bench/run.sh - the scale benchmark: vcmon against fping and prometheus-snmp-exporter doing the
# same work on the same simulated fleet, at N = 30, 1,000 and 10,000 sites.
#
#   bench/run.sh [--sizes "30 1000 10000"] [--cycles 5] [--warmup 1] [--reps 3] [--par 16]
#                [--engine socket|fping] [--out DIR] [--no-build]
#
# The fleet: one net-snmp snmpd on a free UDP port answers SNMPv2c for every loopback address
# 127.88.x.y (site i = 127.88.((i-1)/250).((i-1)%250+1)); only sources in 127.0.0.0/8 get an
# answer, and the kernel answers the echoes. Nothing is sent outside 127.0.0.0/8.
#
# The work per site and cycle (interval 30 s): 5 ICMP echoes 200 ms apart (timeout 2 s) and one
# SNMP GET of sysDescr, sysObjectID, sysUpTime, sysName (vcmon with probe.snmp.max_interfaces: 0,
# which leaves out its interface table walk; with the walk each check costs one more request).
#
#   vcmon          java -jar target/vcmon.jar with a generated config (N sites, defaults but
#                  probe.icmp.engine: socket, or --engine fping; max_interfaces: 0), warmed
#                  up for --warmup cycles (default 3: the JIT compiler stays busy for about two
#                  minutes after start), then measured for --cycles cycles of 30 s: CPU of the
#                  JVM and its reaped fping children (/proc/PID/stat utime+stime+cutime+cstime),
#                  checks done, checks late (> 1 s after due) or skipped, slowest check from due
#                  to done, two /metrics scrapes and one /api/v1/sites per cycle (timed),
#                  peak RSS (VmHWM), start to first served page (/).
#   fping          the same echoes: fping -C 5 -p 200 -t 2000 -i 1, shards of 500 targets, 4 at a
#                  time (what vcmon's defaults allow), under /usr/bin/time.
#   snmp_exporter  Debian's prometheus-snmp-exporter, module bench (the same GET), one
#                  scrape per site driven by curl --parallel --parallel-max PAR; its CPU from /proc.
# Peers run --reps times; vcmon's figures are medians over its cycles, with min..max.
# Targets (checked at N = 10,000): cycle <= 10 s with nothing skipped, CPU <= 1/2 of fping +
# snmp_exporter, peak RSS <= 256 MiB, /metrics <= 100 ms, start to first page <= 3 s.
#
# Output: a Markdown table on stdout and in OUT/bench.md, raw rows in OUT/*.tsv.
# Needs root (installs missing Debian packages with apt-get). Not part of `mvn verify`.
# Environment: VCMON_JAVA_OPTS (JVM flags for vcmon; default those of config/vcmon.service),
# MVN_FLAGS (e.g. -o).
set -euo pipefail
shopt -s inherit_errexit

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SIZES="30 1000 10000"; CYCLES=5; WARMUP=3; REPS=3; PAR=16; OUT="$ROOT/target/bench"; BUILD=1; ENGINE=socket
INTERVAL=30
while (($#)); do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --cycles) CYCLES="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --par) PAR="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --engine) ENGINE="$2"; shift 2 ;;
    -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
    *) echo "bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for v in "$CYCLES" "$WARMUP" "$REPS" "$PAR"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "bench: --cycles, --warmup, --reps and --par take whole numbers, got '$v'" >&2; exit 2; }
done
for n in $SIZES; do
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 60000)) ||
    { echo "bench: --sizes takes numbers 1..60000, got '$n'" >&2; exit 2; }
done
[[ "$ENGINE" == socket || "$ENGINE" == fping ]] || { echo "bench: --engine is socket or fping, got '$ENGINE'" >&2; exit 2; }
[[ ${EUID:-$(id -u)} -eq 0 ]] || { echo "bench: SKIP: run as root (fping shards, apt-get)" >&2; exit 77; }

log() { printf 'bench: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- packages
packages=(fping snmpd snmp prometheus-snmp-exporter time curl iproute2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq
  timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # the packaged services are not used: the benchmark starts its own on free ports
  systemctl disable --now snmpd prometheus-snmp-exporter >/dev/null 2>&1 || true
fi
command -v java >/dev/null || { echo "bench: java 17+ is needed" >&2; exit 1; }
# vcmon runs with the JVM options of the systemd unit unless VCMON_JAVA_OPTS says otherwise
if [[ -z "${VCMON_JAVA_OPTS+set}" ]]; then
  VCMON_JAVA_OPTS="$(sed -n 's/^Environment="VCMON_JAVA_OPTS=\(.*\)"$/\1/p' "$ROOT/config/vcmon.service")"
fi
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-$(sed -n 's/^Environment=MALLOC_ARENA_MAX=//p' "$ROOT/config/vcmon.service")}"

if ((BUILD)) || [[ ! -f "$ROOT/target/vcmon.jar" ]]; then
  log "building target/vcmon.jar"
  (cd "$ROOT" && timeout 900 ${MVN:-mvn} -B -q ${MVN_FLAGS:-} package -DskipTests)
fi


# ---------------------------------------------------------------- work dir and cleanup
mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/vcmon-bench.XXXXXX)"
# the benchmark measures one build, whatever happens to target/ meanwhile
JAR="$WORK/vcmon.jar"
cp "$ROOT/target/vcmon.jar" "$JAR"
SNMPD_PID=""; VCMON_PID=""; EXPORTER_PID=""
stop_pid() {  # stop_pid PID: TERM, up to 10 s, then KILL
  local pid="$1" i
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$VCMON_PID"; stop_pid "$EXPORTER_PID"; stop_pid "$SNMPD_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {  # free_port t|u -> a port nothing listens on
  local p i
  for i in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    [[ -z "$(ss -Hln"$1" "sport = :$p" 2>/dev/null)" ]] && { echo "$p"; return 0; }
  done
  echo "bench: no free port found" >&2; return 1
}
addr() { local i=$(($1 - 1)); printf '127.88.%d.%d' $((i / 250)) $((i % 250 + 1)); }
HZ=$(getconf CLK_TCK)
ticks() {  # ticks PID -> utime+stime of the process and of its reaped children
  awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat"
}
child_ticks() {  # child_ticks PID -> utime+stime of its reaped children only (fping)
  awk '{ sub(/^.*\) /, ""); print $14 + $15 }' "/proc/$1/stat"
}
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# ---------------------------------------------------------------- the fleet
COMMUNITY="bench-public"
SNMP_PORT=$(free_port u)
mkdir -p "$WORK/snmpd"
cat >"$WORK/snmpd/snmpd.conf" <<EOF
agentaddress udp:0.0.0.0:$SNMP_PORT
sysName bench-fleet
sysDescr Cisco Codec, SoftW: ce9.15.18.5, MCU: Cisco Webex Room Kit, S/N: FOC2412N0001
sysObjectID .1.3.6.1.4.1.5596.150.6.4.1
sysLocation benchmark fleet on loopback
sysContact bench
view benchview included .1.3.6.1.2.1.1
view benchview included .1.3.6.1.2.1.2
rocommunity $COMMUNITY 127.0.0.0/8 -V benchview
dontLogTCPWrappersConnects yes
EOF
SNMPCONFPATH="$WORK/snmpd" SNMP_PERSISTENT_DIR="$WORK/snmpd/persist" \
  /usr/sbin/snmpd -f -C -c "$WORK/snmpd/snmpd.conf" -Lf "$WORK/snmpd/snmpd.log" >/dev/null 2>&1 &
SNMPD_PID=$!
for i in $(seq 50); do
  snmpget -v2c -c "$COMMUNITY" -t 0.3 -r 0 -Oqv "127.88.0.1:$SNMP_PORT" .1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 && break
  ((i < 50)) || { echo "bench: snmpd does not answer; log:" >&2; tail -5 "$WORK/snmpd/snmpd.log" >&2; exit 1; }
  sleep 0.2
done

# ---------------------------------------------------------------- results
RAW_VCMON="$OUT/vcmon-cycles.tsv"; RAW_PEERS="$OUT/peers.tsv"; RAW_ONCE="$OUT/vcmon-runs.tsv"
printf 'n\tcycle\tcpu_s\tchecks\tlate\tskipped\tslowest_s\tmetrics_s\tapi_s\tchildren_cpu_s\n' >"$RAW_VCMON"
printf 'n\ttool\trep\twall_s\tcpu_s\tmaxrss_kb\tfailures\n' >"$RAW_PEERS"
printf 'n\tfirst_page_s\tpeak_rss_kb\tmetrics_bytes\n' >"$RAW_ONCE"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "vcmon JVM options: ${VCMON_JAVA_OPTS:-none} MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset}"
log "$(date -u +%FT%TZ) engine=$ENGINE sizes=[$SIZES] cycles=$CYCLES warmup=$WARMUP reps=$REPS par=$PAR load=$LOAD_START cores=$(nproc)"

metric() {  # metric FILE NAME -> value of the first sample named exactly NAME (no labels), or 0
  awk -v m="$2" '$1 == m { print $2; found = 1; exit } END { if (!found) print 0 }' "$1"
}

# ---------------------------------------------------------------- vcmon
run_vcmon() {
  local n="$1" port cfg i t0 t_page first_page
  port=$(free_port t)
  cfg="$WORK/vcmon.yaml"
  {
    echo "http: { host: 127.0.0.1, port: $port }"
    echo "probe: { interval: ${INTERVAL}s, timeout: 2s, icmp: { packets: 5, period: 200ms, engine: $ENGINE }, snmp: { max_interfaces: 0 } }"
    echo "snmp_profiles: { bench: { version: 2c, community: $COMMUNITY } }"
    echo "store: { path: $WORK/vcmon.db }"
    echo "sites:"
    awk -v n="$n" -v p="$SNMP_PORT" 'BEGIN { for (i = 1; i <= n; i++) { j = i - 1
      printf "  - { id: s%05d, name: Site %05d, type: xã, address: 127.88.%d.%d, snmp: { profile: bench, port: %d } }\n",
        i, i, int(j / 250), j % 250 + 1, p } }'
  } >"$cfg"
  rm -f "$WORK"/vcmon.db*
  t0=$(now)
  # shellcheck disable=SC2086
  java ${VCMON_JAVA_OPTS:-} -jar "$JAR" --config "$cfg" >"$WORK/vcmon-$n.log" 2>&1 &
  VCMON_PID=$!
  local base="http://127.0.0.1:$port"
  for i in $(seq 600); do
    [[ "$(curl -s -m 1 -o /dev/null -w '%{http_code}' "$base/" || true)" == 200 ]] && break
    kill -0 "$VCMON_PID" 2>/dev/null || { echo "bench: vcmon exited; log:" >&2; tail -20 "$WORK/vcmon-$n.log" >&2; exit 1; }
    ((i < 600)) || { echo "bench: vcmon served nothing within 60 s" >&2; exit 1; }
    sleep 0.02
  done
  t_page=$(now); first_page=$(sub "$t0" "$t_page")
  log "N=$n vcmon pid $VCMON_PID serves after ${first_page}s; warm-up $((WARMUP * INTERVAL + 5))s"
  sleep $((WARMUP * INTERVAL + 5))

  local m="$WORK/metrics" c a_ticks b_ticks a_checks b_checks a_skip b_skip t_start t_mid
  local ms1 ms2 api slowest late
  curl -s -m 10 -o "$m" "$base/metrics"
  a_ticks=$(ticks "$VCMON_PID"); local a_child b_child; a_child=$(child_ticks "$VCMON_PID")
  a_checks=$(metric "$m" vcmon_check_duration_seconds_count)
  a_skip=$(metric "$m" vcmon_checks_skipped_total)
  local a_late; a_late=$(metric "$m" vcmon_checks_late_total)
  for c in $(seq "$CYCLES"); do
    t_start=$(now)
    sleep $((INTERVAL / 2))
    ms1=$(curl -s -m 10 -o /dev/null -w '%{time_total}' "$base/metrics")
    api=$(curl -s -m 10 -o /dev/null -w '%{time_total}' "$base/api/v1/sites")
    t_mid=$(now)
    sleep "$(awk -v s="$t_start" -v m="$t_mid" -v i="$INTERVAL" 'BEGIN { r = s + i - m; print (r > 0 ? r : 0) }')"
    b_ticks=$(ticks "$VCMON_PID"); b_child=$(child_ticks "$VCMON_PID")
    ms2=$(curl -s -m 10 -o "$m" -w '%{time_total}' "$base/metrics")
    b_checks=$(metric "$m" vcmon_check_duration_seconds_count)
    b_skip=$(metric "$m" vcmon_checks_skipped_total)
    local b_late; b_late=$(metric "$m" vcmon_checks_late_total)
    # slowest check from due to done in this cycle: the longest start delay plus the longest
    # check (both are maxima over Micrometer's recent window, so an upper bound)
    slowest=$(awk -v d="$(metric "$m" vcmon_check_delay_seconds_max)" -v c="$(metric "$m" vcmon_check_duration_seconds_max)" \
      'BEGIN { printf "%.3f", d + c }')
    late=$(awk -v a="$a_late" -v b="$b_late" 'BEGIN { printf "%d", b - a }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$c" \
      "$(awk -v t=$((b_ticks - a_ticks)) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')" \
      "$(awk -v a="$a_checks" -v b="$b_checks" 'BEGIN { printf "%d", b - a }')" "$late" \
      "$(awk -v a="$a_skip" -v b="$b_skip" 'BEGIN { printf "%d", b - a }')" "$slowest" \
      "$(awk -v a="$ms1" -v b="$ms2" 'BEGIN { printf "%.3f", (a > b ? a : b) }')" "$api" \
      "$(awk -v t=$((b_child - a_child)) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')" | tee -a "$RAW_VCMON" >&2
    a_ticks=$b_ticks; a_child=$b_child; a_checks=$b_checks; a_skip=$b_skip; a_late=$b_late
  done
  local hwm; hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$VCMON_PID/status")
  printf '%s\t%s\t%s\t%s\n' "$n" "$first_page" "$hwm" "$(wc -c <"$m")" >>"$RAW_ONCE"
  stop_pid "$VCMON_PID"; VCMON_PID=""
}

# ---------------------------------------------------------------- peers
run_fping() {
  local n="$1" rep="$2" t0 t1
  rm -rf "$WORK/shards"; mkdir -p "$WORK/shards"
  split -l 500 -d -a 3 "$WORK/targets" "$WORK/shards/part"
  t0=$(now)
  timeout 300 /usr/bin/time -f '%U %S %M' -o "$WORK/fping.time" \
    sh -c 'ls "$1"/part* | xargs -P 4 -I{} fping -C 5 -q -p 200 -t 2000 -i 1 -f {}' sh "$WORK/shards" \
    2>"$WORK/fping.out" || true
  t1=$(now)
  local fails; fails=$(grep -c ' -' "$WORK/fping.out" || true)
  printf '%s\tfping\t%s\t%s\t%s\t%s\t%s\n' "$n" "$rep" "$(sub "$t0" "$t1")" \
    "$(awk '{ printf "%.2f", $1 + $2 }' "$WORK/fping.time")" "$(awk '{ print $3 }' "$WORK/fping.time")" "$fails" \
    | tee -a "$RAW_PEERS" >&2
}

start_exporter() {
  EXPORTER_PORT=$(free_port t)
  cat >"$WORK/snmp.yml" <<EOF
# snmp_exporter 0.21 module doing vcmon's SNMP work: one GET of four system objects.
bench:
  version: 2
  auth: { community: $COMMUNITY }
  timeout: 2s
  retries: 1
  max_repetitions: 16
  get: [1.3.6.1.2.1.1.1.0, 1.3.6.1.2.1.1.2.0, 1.3.6.1.2.1.1.3.0, 1.3.6.1.2.1.1.5.0]
  metrics:
    - { name: sysDescr, oid: 1.3.6.1.2.1.1.1, type: DisplayString, help: sysDescr }
    - { name: sysObjectID, oid: 1.3.6.1.2.1.1.2, type: DisplayString, help: sysObjectID }
    - { name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: gauge, help: sysUpTime }
    - { name: sysName, oid: 1.3.6.1.2.1.1.5, type: DisplayString, help: sysName }
EOF
  prometheus-snmp-exporter --config.file="$WORK/snmp.yml" --web.listen-address="127.0.0.1:$EXPORTER_PORT" \
    --log.level=error >"$WORK/exporter.log" 2>&1 &
  EXPORTER_PID=$!
  local i
  for i in $(seq 100); do
    curl -sf -m 1 -o /dev/null "http://127.0.0.1:$EXPORTER_PORT/metrics" && return 0
    sleep 0.1
  done
  echo "bench: snmp_exporter did not start; log:" >&2; cat "$WORK/exporter.log" >&2; exit 1
}

run_exporter() {
  local n="$1" rep="$2" t0 t1 a b cfg="$WORK/curl.cfg" body="$WORK/bodies"
  rm -rf "$body"; mkdir -p "$body"
  awk -v u="http://127.0.0.1:$EXPORTER_PORT" -v p="$SNMP_PORT" -v d="$body" \
    '{ printf "url = \"%s/snmp?module=bench&target=%s:%s\"\noutput = \"%s/%d\"\n", u, $1, p, d, NR }' \
    "$WORK/targets" >"$cfg"
  a=$(ticks "$EXPORTER_PID"); t0=$(now)
  timeout 300 curl -s --no-progress-meter --parallel --parallel-max "$PAR" -m 20 -K "$cfg" 2>"$WORK/curl.err" || true
  t1=$(now); b=$(ticks "$EXPORTER_PID")
  local ok; ok=$(grep -l '^sysUpTime ' "$body"/* 2>/dev/null | wc -l)
  printf '%s\tsnmp_exporter\t%s\t%s\t%s\t%s\t%s\n' "$n" "$rep" "$(sub "$t0" "$t1")" \
    "$(awk -v t=$((b - a)) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')" \
    "$(awk '/^VmHWM/ { print $2 }' "/proc/$EXPORTER_PID/status")" $((n - ok)) | tee -a "$RAW_PEERS" >&2
}

for n in $SIZES; do
  : >"$WORK/targets"
  for ((i = 1; i <= n; i++)); do addr "$i"; echo; done >"$WORK/targets"
  snmpget -v2c -c "$COMMUNITY" -t 1 -r 1 -Oqv "$(addr "$n"):$SNMP_PORT" .1.3.6.1.2.1.1.5.0 >/dev/null ||
    { echo "bench: the fleet does not answer on $(addr "$n")" >&2; exit 1; }
  log "N=$n: vcmon"
  run_vcmon "$n"
  log "N=$n: fping x $REPS"
  for rep in $(seq "$REPS"); do run_fping "$n" "$rep"; done
  log "N=$n: snmp_exporter x $REPS"
  start_exporter
  for rep in $(seq "$REPS"); do run_exporter "$n" "$rep"; done
  stop_pid "$EXPORTER_PID"; EXPORTER_PID=""
done
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- the table
"$HERE/table.awk" -v sizes="$SIZES" -v interval="$INTERVAL" -v cycles="$CYCLES" -v reps="$REPS" \
  -v load_start="$LOAD_START" -v load_end="$LOAD_END" -v cores="$(nproc)" -v date="$(date -u +%FT%TZ)" \
  "$RAW_VCMON" "$RAW_PEERS" "$RAW_ONCE" | tee "$OUT/bench.md"
log "raw rows in $OUT/*.tsv, table in $OUT/bench.md"
