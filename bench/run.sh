#!/usr/bin/env bash
# bench/run.sh - the scale benchmark: vcmon against fping and prometheus-snmp-exporter doing the
# same work on the same simulated fleet, at N = 30, 1,000 and 10,000 sites.
#
#   bench/run.sh [--sizes "30 1000 10000"] [--cycles 5] [--warmup 3] [--reps 3] [--par 16]
#                [--engine socket|fping] [--cluster K] [--out DIR] [--no-build]
#
# The fleet: one net-snmp snmpd on a free UDP port answers SNMPv2c for every loopback address
# 127.88.x.y (site i = 127.88.((i-1)/250).((i-1)%250+1)); only sources in 127.0.0.0/8 get an
# answer, and the kernel answers the echoes. Nothing is sent outside 127.0.0.0/8.
#
# The work per site and cycle (interval 30 s): 5 ICMP echoes 200 ms apart (timeout 2 s) and one
# SNMP GET of sysDescr, sysObjectID, sysUpTime, sysName (vcmon with probe.snmp.max_interfaces: 0,
# which leaves out its interface table walk; with the walk each check costs one more request).
# These settings are written out in vcmon's config (recheck 5 s, SNMP at every check with one
# retry), so the figures measure the same work whatever the defaults.
#
#   vcmon          java -jar target/vcmon.jar with a generated config (N sites, the probe work
#                  above, probe.icmp.engine: socket, or --engine fping), warmed
#                  up for --warmup cycles (default 3: the JIT compiler stays busy for about two
#                  minutes after start), then measured for --cycles cycles of 30 s: CPU of the
#                  JVM and its reaped fping children (/proc/PID/stat utime+stime+cutime+cstime),
#                  checks done, checks late (> 1 s after due) or skipped, slowest check from due
#                  to done, two /metrics scrapes and one /api/v1/sites per cycle (timed),
#                  peak RSS (VmHWM), start to first served page (/), time spent in garbage
#                  collection and full collections (jstat, when the JDK has it).
#   --cluster K    (K = 2 or 3) right after the single agent, at each N, K agents as one cluster
#                  (cluster: section, certificates from the jar's cluster-certs in the temporary
#                  directory, listen 127.77.0.1..K on one free port base), each watching all N
#                  sites, all started at once and measured exactly like the single agent, each
#                  scraped the same way; also start to all K members up in agent 1's
#                  /api/v1/cluster and, when nft is there, the bytes between the agents per cycle
#                  (an nftables counter on loopback, both directions, IP headers included).
#                  A second table sets agent 1 (and the others' CPU and RSS) beside the single.
#   fping          the same echoes: fping -C 5 -p 200 -t 2000 -i 1, shards of 500 targets, 4 at a
#                  time (what vcmon's defaults allow), under /usr/bin/time.
#   snmp_exporter  Debian's prometheus-snmp-exporter, module bench (the same GET), one
#                  scrape per site driven by curl --parallel --parallel-max PAR; its CPU from /proc.
# Peers run --reps times; vcmon's figures are medians over its cycles, with min..max.
# Targets (checked at N = 10,000): cycle <= 10 s with nothing skipped, CPU <= 1/2 of fping +
# snmp_exporter, peak RSS <= 256 MiB, /metrics <= 100 ms, start to first page <= 3 s; in the
# cluster table the same targets for every agent.
#
# Output: a Markdown table on stdout and in OUT/bench.md, raw rows in OUT/*.tsv, each vcmon's log
# in OUT/logs/.
# Needs root (installs missing Debian packages with apt-get). Not part of `mvn verify`.
# Environment: VCMON_JAVA_OPTS (JVM flags for vcmon; default those of config/vcmon.service),
# MVN_FLAGS (e.g. -o).
set -euo pipefail
shopt -s inherit_errexit

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SIZES="30 1000 10000"; CYCLES=5; WARMUP=3; REPS=3; PAR=16; OUT="$ROOT/target/bench"; BUILD=1; ENGINE=socket
CLUSTER=0
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
    --cluster) CLUSTER="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
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
[[ "$CLUSTER" =~ ^[023]$ ]] || { echo "bench: --cluster takes 2 or 3 (agents), got '$CLUSTER'" >&2; exit 2; }
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
SNMPD_PID=""; VCMON_PIDS=(); EXPORTER_PID=""; NFT_TABLE=""
stop_pid() {  # stop_pid PID: TERM, up to 10 s, then KILL
  local pid="$1" i
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
stop_vcmons() {  # every vcmon started: TERM all at once (cluster members leave together), 15 s, KILL
  local pid i
  ((${#VCMON_PIDS[@]})) || return 0
  for pid in "${VCMON_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for i in $(seq 150); do
    local alive=0
    for pid in "${VCMON_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${VCMON_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  VCMON_PIDS=()
}
cleanup() {
  stop_vcmons; stop_pid "$EXPORTER_PID"; stop_pid "$SNMPD_PID"
  [[ -z "$NFT_TABLE" ]] || nft delete table inet "$NFT_TABLE" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {  # free_port t|u [COUNT] -> a port P such that nothing listens on P..P+COUNT-1
  local p i k ok
  for i in $(seq 200); do
    p=$((20000 + RANDOM % 40000)); ok=1
    for ((k = 0; k < ${2:-1}; k++)); do
      [[ -z "$(ss -Hln"$1" "sport = :$((p + k))" 2>/dev/null)" ]] || { ok=0; break; }
    done
    ((ok)) && { echo "$p"; return 0; }
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

# ---------------------------------------------------------------- the cluster's certificates
# One CA and a certificate per vantage bench-1..K, made by the jar as an operator would; the
# counter (nft, when there) sees every packet between the agents' addresses 127.77.0.1..K.
CLUSTER_NAME="bench-$$"
if ((CLUSTER)); then
  vantages=(); for ((j = 1; j <= CLUSTER; j++)); do vantages+=("bench-$j"); done
  timeout 120 java -jar "$JAR" cluster-certs "$WORK/certs" "${vantages[@]}" >"$WORK/certs.log" 2>&1 ||
    { echo "bench: cluster-certs failed:" >&2; cat "$WORK/certs.log" >&2; exit 1; }
  if command -v nft >/dev/null && nft -f - <<EOF 2>"$WORK/nft.err"
add table inet vcmon_bench_$$
add chain inet vcmon_bench_$$ out { type filter hook output priority 0; policy accept; }
add rule inet vcmon_bench_$$ out ip saddr 127.77.0.0/24 ip daddr 127.77.0.0/24 counter
EOF
  then NFT_TABLE="vcmon_bench_$$"
  else log "no nftables counter ($(head -1 "$WORK/nft.err" 2>/dev/null)): the cluster's traffic is not measured"
  fi
fi

# ---------------------------------------------------------------- results
RAW_VCMON="$OUT/vcmon-cycles.tsv"; RAW_PEERS="$OUT/peers.tsv"; RAW_ONCE="$OUT/vcmon-runs.tsv"
printf 'n\tcycle\tcpu_s\tchecks\tlate\tskipped\tslowest_s\tmetrics_s\tapi_s\tchildren_cpu_s\tsetup\tagent\tcluster_bytes\tcluster_packets\tgc_s\tfull_gcs\n' >"$RAW_VCMON"
printf 'n\ttool\trep\twall_s\tcpu_s\tmaxrss_kb\tfailures\n' >"$RAW_PEERS"
printf 'n\tfirst_page_s\tpeak_rss_kb\tmetrics_bytes\tsetup\tagent\tmembers_up_s\n' >"$RAW_ONCE"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "vcmon JVM options: ${VCMON_JAVA_OPTS:-none} MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset}"
log "$(date -u +%FT%TZ) engine=$ENGINE sizes=[$SIZES] cycles=$CYCLES warmup=$WARMUP reps=$REPS par=$PAR cluster=$CLUSTER load=$LOAD_START cores=$(nproc)"

metric() {  # metric FILE NAME -> value of the first sample named exactly NAME (no labels), or 0
  awk -v m="$2" '$1 == m { print $2; found = 1; exit } END { if (!found) print 0 }' "$1"
}

# ---------------------------------------------------------------- vcmon
timed_get() {  # timed_get URL [FILE] -> seconds the GET took (at most 10); a failure is logged
  local t rc=0
  t=$(curl -s -m 10 -o "${2:-/dev/null}" -w '%{time_total}' "$1") || rc=$?
  ((rc == 0)) || log "GET $1 failed: curl exit $rc after ${t:-?} s"
  echo "${t:-10}"
}
alive() {  # alive J: agent J still runs, else its log's end and exit
  kill -0 "${VCMON_PIDS[$1 - 1]}" 2>/dev/null && return 0
  echo "bench: vcmon agent $1 exited; its log ends:" >&2; tail -30 "${LOGS[$1]}" >&2; exit 1
}
cluster_traffic() {  # -> "bytes packets" counted so far between the cluster's agents, or "" without nft
  [[ -n "$NFT_TABLE" ]] || { echo ""; return 0; }
  nft list chain inet "$NFT_TABLE" out 2>/dev/null |
    awk '/counter packets/ { for (i = 1; i < NF; i++) { if ($i == "packets") p += $(i + 1); if ($i == "bytes") b += $(i + 1) } }
         END { print b + 0, p + 0 }'
}
gc_time() {  # gc_time PID -> "seconds full_collections" the JVM spent collecting so far (jstat), or "0 0"
  { timeout 10 jstat -gcutil "$1" 2>/dev/null || true; } |
    awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i } NR == 2 { g = $col["GCT"]; f = $col["FGC"] }
         END { printf "%s %s\n", (g == "" || g == "-") ? 0 : g, (f == "" || f == "-") ? 0 : f }'
}
cluster_addr() { printf '127.77.0.%d' "$1"; }
members_up() {  # members_up BASE -> how many members are up in that agent's /api/v1/cluster
  { curl -s -m 2 "$1/api/v1/cluster" || true; } | { grep -o '"up" *: *true' || true; } | wc -l
}

# run_vcmon N K: K = 1 the single agent; K >= 2 a cluster of K agents, all started at once, each
# watching all N sites and measured like the single agent. Rows are tagged single|cluster, agent.
run_vcmon() {
  local n="$1" k="$2" setup=single j i cport="" members=""
  ((k > 1)) && setup=cluster
  local -a ports=() BASES=() first=()
  LOGS=()
  awk -v n="$n" -v p="$SNMP_PORT" 'BEGIN { for (i = 1; i <= n; i++) { j = i - 1
    printf "  - { id: s%05d, name: Site %05d, type: xã, address: 127.88.%d.%d, snmp: { profile: bench, port: %d } }\n",
      i, i, int(j / 250), j % 250 + 1, p } }' >"$WORK/sites.yaml"
  if ((k > 1)); then
    cport=$(free_port t 3)  # listen, the event bus on +1, the key exchange on +2
    for ((j = 1; j <= k; j++)); do members+="${members:+, }$(cluster_addr "$j"):$cport"; done
  fi
  rm -f "$WORK"/vcmon-*.db*
  for ((j = 1; j <= k; j++)); do
    local port
    while :; do  # nothing listens yet, so make sure the agents' ports differ
      port=$(free_port t)
      [[ " ${ports[*]} " != *" $port "* ]] && { [[ -z "$cport" ]] || ((port < cport || port > cport + 2)); } && break
    done
    ports[j]=$port; BASES[j]="http://127.0.0.1:$port"; LOGS[j]="$WORK/vcmon-$n-$setup-$j.log"
    {
      echo "http: { host: 127.0.0.1, port: $port }"
      echo "probe: { interval: ${INTERVAL}s, timeout: 2s, recheck_interval: 5s, icmp: { packets: 5, period: 200ms, engine: $ENGINE }, snmp: { retries: 1, interval: 0s, max_interfaces: 0 } }"
      echo "snmp_profiles: { bench: { version: 2c, community: $COMMUNITY } }"
      echo "store: { path: $WORK/vcmon-$j.db }"
      if ((k > 1)); then
        echo "cluster:"
        echo "  name: $CLUSTER_NAME"
        echo "  vantage: bench-$j"
        echo "  listen: $(cluster_addr "$j"):$cport"
        echo "  members: [$members]"
        echo "  tls: { ca_file: $WORK/certs/ca.pem, cert_file: $WORK/certs/bench-$j.pem, key_file: $WORK/certs/bench-$j.key }"
      fi
      echo "sites:"
      cat "$WORK/sites.yaml"
    } >"$WORK/vcmon-$j.yaml"
  done
  local t0; t0=$(now)
  for ((j = 1; j <= k; j++)); do
    # shellcheck disable=SC2086
    java ${VCMON_JAVA_OPTS:-} -jar "$JAR" --config "$WORK/vcmon-$j.yaml" >"${LOGS[j]}" 2>&1 &
    VCMON_PIDS+=($!)
  done
  # start to first served page (/), each agent; at most 60 s
  local waiting=$k
  while ((waiting)); do
    for ((j = 1; j <= k; j++)); do
      [[ -z "${first[j]:-}" ]] || continue
      if [[ "$(curl -s -m 1 -o /dev/null -w '%{http_code}' "${BASES[j]}/" || true)" == 200 ]]; then
        first[j]=$(sub "$t0" "$(now)"); waiting=$((waiting - 1))
      fi
      alive "$j"
    done
    (($(sub "$t0" "$(now)" | cut -d. -f1) < 60)) || { echo "bench: vcmon ($setup) served nothing within 60 s" >&2; exit 1; }
    sleep 0.02
  done
  local joined=""
  if ((k > 1)); then  # start to all K members up in agent 1's /api/v1/cluster; at most 120 s
    while :; do
      (($(members_up "${BASES[1]}") >= k)) && { joined=$(sub "$t0" "$(now)"); break; }
      alive 1
      (($(sub "$t0" "$(now)" | cut -d. -f1) < 120)) || {
        echo "bench: the $k agents did not all list each other within 120 s; agent 1's cluster lines:" >&2
        grep -i 'cluster\|member' "${LOGS[1]}" | tail -20 >&2; exit 1; }
      sleep 0.2
    done
  fi
  log "N=$n $setup: vcmon pid ${VCMON_PIDS[*]} serves after ${first[*]} s${joined:+, all $k members up after $joined s}; warm-up $((WARMUP * INTERVAL + 5))s"
  sleep $((WARMUP * INTERVAL + 5))

  local c t_start t_mid ms1 ms2 api slowest late a_bytes b_bytes traffic
  local -a a_ticks=() b_ticks=() a_child=() b_child=() a_checks=() b_checks=() a_skip=() b_skip=() a_late=() b_late=() mid=() apis=()
  local -a a_gc=() b_gc=()
  for ((j = 1; j <= k; j++)); do
    alive "$j"
    timed_get "${BASES[j]}/metrics" "$WORK/metrics-$j" >/dev/null
    a_ticks[j]=$(ticks "${VCMON_PIDS[j - 1]}"); a_child[j]=$(child_ticks "${VCMON_PIDS[j - 1]}")
    a_gc[j]=$(gc_time "${VCMON_PIDS[j - 1]}")
    a_checks[j]=$(metric "$WORK/metrics-$j" vcmon_check_duration_seconds_count)
    a_skip[j]=$(metric "$WORK/metrics-$j" vcmon_checks_skipped_total)
    a_late[j]=$(metric "$WORK/metrics-$j" vcmon_checks_late_total)
  done
  a_bytes=$(cluster_traffic)
  for c in $(seq "$CYCLES"); do
    t_start=$(now)
    sleep $((INTERVAL / 2))
    for ((j = 1; j <= k; j++)); do  # what a Prometheus and a browser add, on every agent alike
      alive "$j"
      mid[j]=$(timed_get "${BASES[j]}/metrics")
      apis[j]=$(timed_get "${BASES[j]}/api/v1/sites")
    done
    t_mid=$(now)
    sleep "$(awk -v s="$t_start" -v m="$t_mid" -v i="$INTERVAL" 'BEGIN { r = s + i - m; print (r > 0 ? r : 0) }')"
    for ((j = 1; j <= k; j++)); do
      alive "$j"
      b_ticks[j]=$(ticks "${VCMON_PIDS[j - 1]}"); b_child[j]=$(child_ticks "${VCMON_PIDS[j - 1]}")
      b_gc[j]=$(gc_time "${VCMON_PIDS[j - 1]}")
    done
    b_bytes=$(cluster_traffic)
    for ((j = 1; j <= k; j++)); do
      local m="$WORK/metrics-$j"
      ms2=$(timed_get "${BASES[j]}/metrics" "$m")
      b_checks[j]=$(metric "$m" vcmon_check_duration_seconds_count)
      b_skip[j]=$(metric "$m" vcmon_checks_skipped_total)
      b_late[j]=$(metric "$m" vcmon_checks_late_total)
      # slowest check from due to done in this cycle: the longest start delay plus the longest
      # check (both are maxima over Micrometer's recent window, so an upper bound)
      slowest=$(awk -v d="$(metric "$m" vcmon_check_delay_seconds_max)" -v c="$(metric "$m" vcmon_check_duration_seconds_max)" \
        'BEGIN { printf "%.3f", d + c }')
      late=$(awk -v a="${a_late[j]}" -v b="${b_late[j]}" 'BEGIN { printf "%d", b - a }')
      traffic=$'\t'  # bytes and packets between the agents this cycle, on agent 1's row
      if ((k > 1 && j == 1)) && [[ -n "$a_bytes" ]]; then
        traffic=$(awk -v a="$a_bytes" -v b="$b_bytes" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%d\t%d", y[1] - x[1], y[2] - x[2] }')
      fi
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$c" \
        "$(awk -v t=$((b_ticks[j] - a_ticks[j])) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')" \
        "$(awk -v a="${a_checks[j]}" -v b="${b_checks[j]}" 'BEGIN { printf "%d", b - a }')" "$late" \
        "$(awk -v a="${a_skip[j]}" -v b="${b_skip[j]}" 'BEGIN { printf "%d", b - a }')" "$slowest" \
        "$(awk -v a="${mid[j]}" -v b="$ms2" 'BEGIN { printf "%.3f", (a > b ? a : b) }')" "${apis[j]}" \
        "$(awk -v t=$((b_child[j] - a_child[j])) -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')" \
        "$setup" "$j" "$traffic" \
        "$(awk -v a="${a_gc[j]}" -v b="${b_gc[j]}" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.2f\t%d", y[1] - x[1], y[2] - x[2] }')" \
        | tee -a "$RAW_VCMON" >&2
      a_gc[j]=${b_gc[j]}; a_ticks[j]=${b_ticks[j]}; a_child[j]=${b_child[j]}; a_checks[j]=${b_checks[j]}; a_skip[j]=${b_skip[j]}; a_late[j]=${b_late[j]}
    done
    a_bytes=$b_bytes
  done
  for ((j = 1; j <= k; j++)); do
    local hwm; hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/${VCMON_PIDS[j - 1]}/status")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "${first[j]}" "$hwm" "$(wc -c <"$WORK/metrics-$j")" "$setup" "$j" "$joined" >>"$RAW_ONCE"
  done
  stop_vcmons
  mkdir -p "$OUT/logs"
  for ((j = 1; j <= k; j++)); do
    cp "${LOGS[j]}" "$OUT/logs/"
    log "N=$n $setup agent $j: $(grep -c ' WARN ' "${LOGS[j]}" || true) WARN and $(grep -c ' ERROR ' "${LOGS[j]}" || true) ERROR lines in logs/$(basename "${LOGS[j]}")"
  done
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
  run_vcmon "$n" 1
  if ((CLUSTER)); then
    log "N=$n: vcmon, a cluster of $CLUSTER agents"
    run_vcmon "$n" "$CLUSTER"
  fi
  log "N=$n: fping x $REPS"
  for rep in $(seq "$REPS"); do run_fping "$n" "$rep"; done
  log "N=$n: snmp_exporter x $REPS"
  start_exporter
  for rep in $(seq "$REPS"); do run_exporter "$n" "$rep"; done
  stop_pid "$EXPORTER_PID"; EXPORTER_PID=""
done
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- the table
"$HERE/table.awk" -v sizes="$SIZES" -v interval="$INTERVAL" -v cycles="$CYCLES" -v reps="$REPS" -v cluster="$CLUSTER" \
  -v load_start="$LOAD_START" -v load_end="$LOAD_END" -v cores="$(nproc)" -v date="$(date -u +%FT%TZ)" \
  "$RAW_VCMON" "$RAW_PEERS" "$RAW_ONCE" | tee "$OUT/bench.md"
log "raw rows in $OUT/*.tsv, table in $OUT/bench.md"
