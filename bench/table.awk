#!/usr/bin/awk -f
# bench/table.awk - turns the raw rows of bench/run.sh into the Markdown table.
#   table.awk -v sizes="30 1000 10000" -v interval=30 ... vcmon-cycles.tsv peers.tsv vcmon-runs.tsv
# vcmon figures: median over the measured cycles [min-max]; peers: median over the runs [min-max].
# Targets apply at the largest N = 10,000; smaller N show the figures only.
BEGIN { FS = "\t" }
FNR == 1 { file++; next }
file == 1 && ($11 == "" || $11 == "single") {
            n = $1; k = ++vc[n]; cpu[n, k] = $3; chk[n, k] = $4; late[n, k] = $5; skip[n, k] = $6
            slow[n, k] = $7; met[n, k] = $8; api[n, k] = $9; kids[n, k] = $10; gc[n, k] = $15; fgc[n, k] = $16 }
# a cluster's rows, keyed by N and agent (cycle k); the traffic between the agents is on agent 1's
file == 1 && $11 == "cluster" {
            a = $1 SUBSEP $12; k = $2 + 0; if (k > cc[a]) cc[a] = k; if ($12 + 0 > ka[$1]) ka[$1] = $12 + 0
            ccpu[a, k] = $3; cchk[a, k] = $4; clate[a, k] = $5; cskip[a, k] = $6; cslow[a, k] = $7
            cmet[a, k] = $8; capi[a, k] = $9; tcpu[$1, k] += $3; cgc[a, k] = $15; cfgc[a, k] = $16
            if ($13 != "") { cbytes[$1, k] = $13; cpkts[$1, k] = $14; hasbytes[$1] = 1 } }
file == 2 { key = $1 SUBSEP $2; k = ++pc[key]; pw[key, k] = $4; pcpu[key, k] = $5; prss[key, k] = $6; pf[key, k] = $7 }
file == 3 && ($5 == "" || $5 == "single") { page[$1] = $2; hwm[$1] = $3; mbytes[$1] = $4 }
file == 3 && $5 == "cluster" { a = $1 SUBSEP $6; cpage[a] = $2; chwm[a] = $3; cmbytes[a] = $4; joined[$1] = $7 }

function sortv(a, m,   i, j, t) { for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t } }
# stats over arr[n, 1..m]: sets MED, MIN, MAX, SUM
function stats(arr, n, m,   a, i) {
  for (i = 1; i <= m; i++) a[i] = arr[n, i]
  sortv(a, m); MIN = a[1]; MAX = a[m]; SUM = 0
  for (i = 1; i <= m; i++) SUM += a[i]
  MED = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
function fmt(v, d) { return sprintf("%." d "f", v) }
function spread(d) { return (MIN == MAX) ? fmt(MED, d) : fmt(MED, d) " [" fmt(MIN, d) "–" fmt(MAX, d) "]" }
function noise(  ) { return (MED > 0) ? (MAX - MIN) / MED * 100 : 0 }
function verdict(ok) { return ok ? "PASS" : "FAIL" }
function ratio(a, b) { return (b > 0) ? fmt(a / b, 2) : "–" }

END {
  ns = split(sizes, N, " "); big = N[ns] + 0
  printf "## vcmon scale benchmark (%s)\n\n", date
  printf "%d cores, load average %s at the start and %s at the end. Interval %d s; per site and cycle 5 echoes and one SNMP poll.\n", cores, load_start, load_end, interval
  printf "vcmon: median over %d measured cycles [min–max]; fping and snmp_exporter: median over %d runs [min–max].\n\n", cycles, reps
  print "| N | figure | vcmon | fping | snmp_exporter | fping + snmp_exporter | vcmon / peers | target | result |"
  print "|---:|---|---:|---:|---:|---:|---:|---|---|"
  worst = 0
  for (s = 1; s <= ns; s++) {
    n = N[s]; m = vc[n]; t = (n + 0 == 10000)
    if (!m) continue
    fk = n SUBSEP "fping"; ek = n SUBSEP "snmp_exporter"; fm = pc[fk]; em = pc[ek]

    # cycle time: vcmon's slowest check (due to done); peers' wall time, side by side
    stats(slow, n, m); v = MED; vs = spread(2); if (noise() > worst) worst = noise()
    stats(pw, fk, fm); fw = MED; fs = spread(2)
    stats(pw, ek, em); ew = MED; es = spread(2)
    pair = (fw > ew) ? fw : ew
    printf "| %s | cycle time, s (vcmon: slowest check due→done; peers: wall time of the run) | %s | %s | %s | %s | %s | %s | %s |\n",
      n, vs, fs, es, fmt(pair, 2), ratio(v, pair), t ? "≤ 10 s" : "", t ? verdict(v <= 10) : ""

    stats(chk, n, m); cm = MED; cmin = MIN
    stats(late, n, m); lmax = MAX
    stats(skip, n, m); smax = MAX
    stats(pf, fk, fm); ff = MAX
    stats(pf, ek, em); ef = MAX
    printf "| %s | checks per cycle (min) / late / skipped; peers: sites failed | %d (%d) / %d / %d | %d | %d | | | %s | %s |\n",
      n, cm, cmin, lmax, smax, ff, ef, t ? "all N, 0 late, 0 skipped" : "", t ? verdict(cmin >= n && lmax == 0 && smax == 0) : ""

    stats(cpu, n, m); c = MED; cs = spread(2); if (noise() > worst) worst = noise()
    stats(pcpu, fk, fm); fc = MED; fcs = spread(2)
    stats(pcpu, ek, em); ec = MED; ecs = spread(2)
    printf "| %s | CPU per cycle, s (vcmon incl. its fping children) | %s | %s | %s | %s | %s | %s | %s |\n",
      n, cs, fcs, ecs, fmt(fc + ec, 2), ratio(c, fc + ec), t ? "≤ 0.5 × peers" : "", t ? verdict(fc + ec > 0 && c <= 0.5 * (fc + ec)) : ""

    stats(kids, n, m)
    if (MAX + 0 > 0) {  # only with --engine fping: the in-process engine has no children
      printf "| %s | of which vcmon's fping children, s | %s | | | | %s | | |\n", n, spread(2), ratio(MED, fc) " × fping"
    }
    stats(prss, fk, fm); fr = MAX / 1024
    stats(prss, ek, em); er = MAX / 1024
    r = hwm[n] / 1024
    printf "| %s | peak RSS, MiB (fping: largest process) | %s | %s | %s | %s | %s | %s | %s |\n",
      n, fmt(r, 0), fmt(fr, 0), fmt(er, 0), fmt(fr + er, 0), ratio(r, fr + er), t ? "≤ 256 MiB" : "", t ? verdict(r <= 256) : ""

    stats(met, n, m); mm = MED * 1000; msp = spread(3)
    printf "| %s | /metrics, ms (%d KiB) | %s [%s–%s] | | | | | %s | %s |\n",
      n, mbytes[n] / 1024, fmt(mm, 0), fmt(MIN * 1000, 0), fmt(MAX * 1000, 0), t ? "≤ 100 ms" : "", t ? verdict(mm <= 100) : ""
    stats(api, n, m)
    printf "| %s | /api/v1/sites, ms | %s [%s–%s] | | | | | | |\n", n, fmt(MED * 1000, 0), fmt(MIN * 1000, 0), fmt(MAX * 1000, 0)
    printf "| %s | start to first served page, s | %s | | | | | %s | %s |\n",
      n, fmt(page[n], 2), t ? "≤ 3 s" : "", t ? verdict(page[n] <= 3) : ""
  }
  printf "\nSpread: the widest min–max range of vcmon's cycle time and CPU was %.0f %% of its median.\n", worst
  if (big != 10000) print "Targets are checked at N = 10,000 only; this run did not include it."
  if (cluster + 0 > 1) clustertable()
}

# One row of the cluster table: the single agent's figure, each agent's, agent 1 / single, target, result.
function crow(n, figure, single, cells, ratio1, target, result) {
  printf "| %s | %s | %s |%s %s | %s | %s |\n", n, figure, single, cells, ratio1, target, result
}

# The cluster beside the single agent: agent 1 in full, the others' figures too, and the ratio.
function clustertable(   s, n, m, j, K, a, cells, v1, ok, t, sv, c, tot, kb, pk) {
  printf "\n### Several agents: a cluster of %d, each watching all N sites, beside the single agent\n\n", cluster
  print "Measured in the same run right after the single agent, all agents started at once; every agent scraped as the single one."
  print "Medians over the measured cycles [min–max]; ratio: agent 1 over the single agent.\n"
  printf "| N | figure | single agent |"
  for (j = 1; j <= cluster; j++) printf " cluster: agent %d |", j
  print " agent 1 / single | target | result |"
  printf "|---:|---|---:|"
  for (j = 1; j <= cluster; j++) printf "---:|"
  print "---:|---|---|"
  for (s = 1; s <= ns; s++) {
    n = N[s]; m = vc[n]; K = ka[n]; t = (n + 0 == 10000)
    if (!m || !K) continue

    stats(slow, n, m); sv = MED; single = spread(2); cells = ""; ok = 1
    for (j = 1; j <= K; j++) { a = n SUBSEP j; stats(cslow, a, cc[a]); if (j == 1) v1 = MED; if (MED > 10) ok = 0; cells = cells " " spread(2) " |" }
    crow(n, "cycle time, s (slowest check due→done)", single, cells, ratio(v1, sv), t ? "≤ 10 s" : "", t ? verdict(ok) : "")

    stats(chk, n, m); single = sprintf("%d (%d) / ", MED, MIN); stats(late, n, m); single = single MAX " / "; stats(skip, n, m); single = single MAX
    cells = ""; ok = 1
    for (j = 1; j <= K; j++) {
      a = n SUBSEP j; stats(cchk, a, cc[a]); c = sprintf("%d (%d) / ", MED, MIN); if (MIN < n + 0) ok = 0
      stats(clate, a, cc[a]); c = c MAX " / "; if (MAX > 0) ok = 0
      stats(cskip, a, cc[a]); c = c MAX; if (MAX > 0) ok = 0
      cells = cells " " c " |"
    }
    crow(n, "checks per cycle (min) / late / skipped", single, cells, "", t ? "all N, 0 late, 0 skipped" : "", t ? verdict(ok) : "")

    fk = n SUBSEP "fping"; ek = n SUBSEP "snmp_exporter"
    stats(pcpu, fk, pc[fk]); pcpu_sum = MED; stats(pcpu, ek, pc[ek]); pcpu_sum += MED
    stats(cpu, n, m); sv = MED; single = spread(2); cells = ""; ok = pcpu_sum > 0
    for (j = 1; j <= K; j++) { a = n SUBSEP j; stats(ccpu, a, cc[a]); if (j == 1) v1 = MED; if (MED > 0.5 * pcpu_sum) ok = 0; cells = cells " " spread(2) " |" }
    crow(n, "CPU per cycle, s", single, cells, ratio(v1, sv), t ? "≤ 0.5 × peers (" fmt(0.5 * pcpu_sum, 2) ")" : "", t ? verdict(ok) : "")
    stats(tcpu, n, cc[n SUBSEP 1]); tot = MED
    cells = " " spread(2) " (all " K ") |"; for (j = 2; j <= K; j++) cells = cells " |"
    crow(n, "CPU per cycle of all agents together, s", fmt(sv, 2), cells, ratio(tot, sv), "", "")

    stats(gc, n, m); sv = MED; single = spread(2); stats(fgc, n, m); single = single " (" SUM " full)"; cells = ""
    for (j = 1; j <= K; j++) { a = n SUBSEP j; stats(cgc, a, cc[a]); if (j == 1) v1 = MED; c = spread(2); stats(cfgc, a, cc[a]); cells = cells " " c " (" SUM " full) |" }
    crow(n, "garbage collection per cycle, s (full collections in all cycles)", single, cells, ratio(v1, sv), "", "")

    r = hwm[n] / 1024; cells = ""; ok = 1
    for (j = 1; j <= K; j++) { a = n SUBSEP j; if (j == 1) v1 = chwm[a] / 1024; if (chwm[a] / 1024 > 256) ok = 0; cells = cells " " fmt(chwm[a] / 1024, 0) " |" }
    crow(n, "peak RSS, MiB", fmt(r, 0), cells, ratio(v1, r), t ? "≤ 256 MiB" : "", t ? verdict(ok) : "")

    stats(met, n, m); sv = MED; single = fmt(MED * 1000, 0) " [" fmt(MIN * 1000, 0) "–" fmt(MAX * 1000, 0) "] (" int(mbytes[n] / 1024) " KiB)"
    cells = ""; ok = 1
    for (j = 1; j <= K; j++) {
      a = n SUBSEP j; stats(cmet, a, cc[a]); if (j == 1) v1 = MED; if (MED > 0.1) ok = 0
      cells = cells " " fmt(MED * 1000, 0) " [" fmt(MIN * 1000, 0) "–" fmt(MAX * 1000, 0) "] (" int(cmbytes[a] / 1024) " KiB) |"
    }
    crow(n, "/metrics, ms (size)", single, cells, ratio(v1, sv), t ? "≤ 100 ms" : "", t ? verdict(ok) : "")

    stats(api, n, m); sv = MED; single = fmt(MED * 1000, 0) " [" fmt(MIN * 1000, 0) "–" fmt(MAX * 1000, 0) "]"; cells = ""
    for (j = 1; j <= K; j++) { a = n SUBSEP j; stats(capi, a, cc[a]); if (j == 1) v1 = MED; cells = cells " " fmt(MED * 1000, 0) " [" fmt(MIN * 1000, 0) "–" fmt(MAX * 1000, 0) "] |" }
    crow(n, "/api/v1/sites, ms", single, cells, ratio(v1, sv), "", "")

    cells = ""; ok = 1
    for (j = 1; j <= K; j++) { a = n SUBSEP j; if (j == 1) v1 = cpage[a]; if (cpage[a] > 3) ok = 0; cells = cells " " fmt(cpage[a], 2) " |" }
    crow(n, "start to first served page, s (the agents start together)", fmt(page[n], 2), cells, ratio(v1, page[n]), t ? "≤ 3 s" : "", t ? verdict(ok) : "")

    cells = " " fmt(joined[n], 2) " |"; for (j = 2; j <= K; j++) cells = cells " |"
    crow(n, "start to all " K " members up in agent 1's /api/v1/cluster, s", "", cells, "", "", "")

    if (hasbytes[n]) {
      stats(cbytes, n, cc[n SUBSEP 1]); kb = MED / 1024
      c = fmt(kb, 0) " [" fmt(MIN / 1024, 0) "–" fmt(MAX / 1024, 0) "]"
      stats(cpkts, n, cc[n SUBSEP 1]); pk = MED
      cells = " " c " KiB, " fmt(pk, 0) " packets (" fmt(kb * 8 * 1.024 / interval, 1) " kbit/s) |"; for (j = 2; j <= K; j++) cells = cells " |"
      crow(n, "traffic between the agents per cycle, both ways, IP headers included", "", cells, "", "", "")
    }
  }
}
