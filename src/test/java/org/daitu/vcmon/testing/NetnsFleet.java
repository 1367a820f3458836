package org.daitu.vcmon.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A fleet of real meeting-room endpoints for integration tests: one Linux network namespace per
 * site, each with its own net-snmp {@code snmpd}, all behind a core router namespace that stands
 * for the district core, so that a failing parent really cuts its children off.
 *
 * <pre>
 *  root namespace (agent under test)        vcmt-core (ip_forward=1)            vcmt-s1 .. vcmt-sN
 *  vcmt0 bridge 198.19.0.1/24 --- vcmt-c0 ~ eth0 198.19.0.2  vcmt1 198.19.1.1/24 --- vs1 ~ eth0 198.19.1.11
 *  route 198.19.1.0/24 via 198.19.0.2                        (bridge, vs1..vsN)      eth1 (down)
 *  blackhole 198.18.0.0/15 (guard)                                                  default via 198.19.1.1
 *  route 198.19.2.0/24 via 198.19.0.2                        vcmt2 198.19.2.1/24 --- vv1 ~ eth0 198.19.2.11
 *  (only with vantages)                                      (bridge, vv1..vvM)      default via 198.19.2.1
 *                                                                                   vcmt-v1 .. vcmt-vM: agents
 * </pre>
 *
 * <p>Bridge B ({@code vcmt1}) and the sites' veth ends live inside the core namespace: the sites'
 * segment is then reachable only through the core, nothing of the root namespace's firewall sees
 * it, and the root namespace gets two links whatever the fleet size.
 *
 * <p>Vantages (optional, {@link #up(int, int)}) are where several agents run, one per namespace,
 * each with its own path to the sites: vantage to site is routed by the core (so one vantage's
 * path can be cut while the others' stays), vantage to vantage is plain L2 on bridge C ({@code
 * vcmt2}, in the core), so cluster traffic needs no forwarding, and vantage to root namespace
 * (a test's webhook receiver on {@link #rootAddress()}) goes through the core, as does the test's
 * way back to each agent's HTTP API. The root namespace never forwards.
 *
 * <p>Network rule: every address is inside 198.18.0.0/15, and a blackhole route over the whole
 * /15 is added before anything else and removed last, so nothing addressed there can leave the
 * machine. The route has its own protocol and metric, so it cannot clash with the identical guard
 * route of another tool (the shared test bed uses proto 242 and metric 0).
 *
 * <p>Faults are nftables rules in each site's own table ({@code inet vcmt}); the core's table
 * also has a forward chain for {@link #failCore()}. Vantage faults each have a table of their own
 * ({@link #cutVantagePath} in the core, {@link #partition} in the two vantages), so that each is
 * set and removed alone, and idempotently. Names are fixed, so one fleet runs per machine
 * at a time: {@link #up} takes an exclusive file lock (waiting for another JVM's fleet to close)
 * and first removes the leftovers of a crashed run. {@link #close()} removes everything; a JVM
 * shutdown hook calls it as a last resort.
 *
 * <p>Thread-safe: the fault methods may be called from any thread; each one returns once the
 * kernel applies the change. They run host programs and block for milliseconds (a reboot: until
 * the agent answers), so call them from the test thread, never from a Vert.x event loop.
 *
 * <pre>{@code
 * HostTools.requireAvailable(NetnsFleet.unavailableReason());
 * try (NetnsFleet fleet = NetnsFleet.up(30)) {
 *   FleetSite s = fleet.sites().get(6);          // site007 at 198.19.1.17, snmpd on udp/161
 *   fleet.fail(s.index());                        // ... agent sees it DOWN
 *   fleet.recover(s.index());
 *   fleet.failCore();                             // ... every site UNREACHABLE, core DOWN
 * }
 * try (NetnsFleet fleet = NetnsFleet.up(30, 2)) {   // vcmt-v1 at 198.19.2.11, vcmt-v2 at .12
 *   fleet.cutVantagePath(1, 7);                   // v1 loses site007, v2 still reaches it
 *   fleet.partition(1, 2);                        // v1 and v2 no longer hear each other
 *   fleet.answersPing(2, fleet.sites().get(6).address());   // true
 * }
 * }</pre>
 */
public final class NetnsFleet implements AutoCloseable {
  /** SNMPv3 user of every site: authPriv, SHA (SHA-1) authentication, AES (AES-128) privacy. */
  public static final String V3_USER = "vcmtuser";

  public static final String V3_AUTH_PASS = "vcmt-auth-pass";
  public static final String V3_PRIV_PASS = "vcmt-priv-pass";

  /** Site id (and sysName) of the core router, the parent of every site. */
  public static final String CORE_ID = "district-core";

  /** Largest fleet: site addresses run from 198.19.1.11 up to 198.19.1.210. */
  public static final int MAX_SITES = 200;

  /** Most vantages: three members of a cluster and one intruder (a certificate of another CA). */
  public static final int MAX_VANTAGES = 4;

  static final String COMMUNITY = "public";
  static final int SNMP_PORT = 161;

  static final String CORE_NS = "vcmt-core";
  static final String SITE_NS_PREFIX = "vcmt-s";
  static final String BRIDGE_A = "vcmt0";
  static final String CORE_LEG = "vcmt-c0";
  static final String BRIDGE_B = "vcmt1";
  static final String ROOT_ADDRESS = "198.19.0.1";
  static final String CORE_ADDRESS = "198.19.0.2";
  static final String CORE_SITE_SIDE = "198.19.1.1";
  static final String SITE_NET = "198.19.1.0/24";
  static final String VANTAGE_NS_PREFIX = "vcmt-v";
  static final String BRIDGE_C = "vcmt2";
  static final String VANTAGE_LEG_PREFIX = "vv";
  static final String CORE_VANTAGE_SIDE = "198.19.2.1";
  static final String VANTAGE_NET = "198.19.2.0/24";
  static final String GUARD_NET = "198.18.0.0/15";
  static final String GUARD_PROTO = "243";
  static final String GUARD_METRIC = "4243";
  static final String NFT_TABLE = "vcmt";

  private static final Pattern OWN_NAMESPACE = Pattern.compile("vcmt-(core|s\\d+|v\\d+)");
  private static final List<String> OWN_LINKS = List.of(BRIDGE_A, CORE_LEG, BRIDGE_B);
  private static final Duration LOCK_WAIT = Duration.ofMinutes(3);
  private static final String LOCK_FILE = "vcmon-netns-fleet.lock";

  private final List<FleetSite> sites;
  private final List<FleetVantage> vantages;
  private final Faults[] faults;
  private final AtomicReferenceArray<Snmpd> agents;
  private volatile Snmpd coreAgent;
  private final Path workDir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Thread shutdownHook;
  private boolean closed;

  private NetnsFleet(
      int count, int vantageCount, FileChannel lockChannel, FileLock lock, Path workDir) {
    List<FleetSite> list = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      list.add(new FleetSite(i, siteId(i), siteAddress(i), SNMP_PORT));
    }
    this.sites = List.copyOf(list);
    List<FleetVantage> points = new ArrayList<>(vantageCount);
    for (int k = 1; k <= vantageCount; k++) {
      points.add(new FleetVantage(k, vantageNamespace(k), vantageAddress(k)));
    }
    this.vantages = List.copyOf(points);
    this.faults = new Faults[count];
    Arrays.fill(faults, Faults.NONE);
    this.agents = new AtomicReferenceArray<>(count);
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.workDir = workDir;
    this.shutdownHook = new Thread(this::close, "netns-fleet-cleanup");
  }

  /**
   * Why a fleet cannot be made here, or empty when it can. Tests call it in {@code
   * HostTools.requireAvailable(NetnsFleet.unavailableReason())}: skipped, or failed under CI.
   */
  public static Optional<String> unavailableReason() {
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
      return Optional.of("network-namespace fleet needs Linux; this is " + os);
    }
    String status;
    try {
      status = Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.of("network-namespace fleet cannot read /proc/self/status: " + e.getMessage());
    }
    String uid = field(status, "Uid:").split("\\s+")[0];
    if (!"0".equals(uid)) {
      return Optional.of(
          "network-namespace fleet must run as root (namespaces, links, routes, nftables);"
              + " running as uid " + uid);
    }
    long caps = Long.parseUnsignedLong(field(status, "CapEff:"), 16);
    long needed = (1L << 12) | (1L << 21); // CAP_NET_ADMIN, CAP_SYS_ADMIN (mounts of ip netns)
    if ((caps & needed) != needed) {
      return Optional.of(
          "network-namespace fleet needs CAP_NET_ADMIN and CAP_SYS_ADMIN; this root has CapEff "
              + field(status, "CapEff:") + " (an unprivileged container?)");
    }
    List<String> missing = new ArrayList<>();
    for (String[] tool :
        new String[][] {
          {"ip", "iproute2"}, {"nft", "nftables"}, {"fping", "fping"}, {"snmpd", "snmpd"}
        }) {
      if (HostCommand.executable(tool[0]).isEmpty()) {
        missing.add(tool[0] + " (Debian package " + tool[1] + ")");
      }
    }
    if (!missing.isEmpty()) {
      return Optional.of(
          "network-namespace fleet needs programs that are not installed: "
              + String.join(", ", missing));
    }
    return Snmpd.unavailableReason();
  }

  /**
   * Builds a fleet of {@code sites} sites (1..{@value #MAX_SITES}) and returns once the core, the
   * first and the last site answer ping and every snmpd (one per site and one in the core) answers
   * SNMP. Leftovers of an earlier run
   * that crashed are removed first.
   *
   * @throws IOException when a command fails (the message holds its stderr) or this machine
   *     cannot host a fleet (see {@link #unavailableReason()}); whatever was made is removed
   */
  public static NetnsFleet up(int sites) throws IOException, InterruptedException {
    return up(sites, 0);
  }

  /**
   * As {@link #up(int)}, plus {@code vantages} (0..{@value #MAX_VANTAGES}) vantage namespaces
   * {@code vcmt-v1 ..}, each at 198.19.2.(10+k); returns once each answers ping from the root
   * namespace (through the core).
   */
  public static NetnsFleet up(int sites, int vantages) throws IOException, InterruptedException {
    if (sites < 1 || sites > MAX_SITES) {
      throw new IllegalArgumentException(
          "fleet size must be 1.." + MAX_SITES + " (site addresses 198.19.1.11 .. 198.19.1."
              + (10 + MAX_SITES) + "), got " + sites);
    }
    if (vantages < 0 || vantages > MAX_VANTAGES) {
      throw new IllegalArgumentException(
          "vantages must be 0.." + MAX_VANTAGES + ", got " + vantages);
    }
    Optional<String> reason = unavailableReason();
    if (reason.isPresent()) {
      throw new IOException(reason.get());
    }
    Path lockPath = Path.of(System.getProperty("java.io.tmpdir"), LOCK_FILE);
    FileChannel channel =
        FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = acquire(channel, lockPath);
    } catch (IOException | InterruptedException | RuntimeException e) {
      channel.close();
      throw e;
    }
    NetnsFleet fleet =
        new NetnsFleet(
            sites, vantages, channel, lock, Files.createTempDirectory("vcmon-netns-fleet"));
    Runtime.getRuntime().addShutdownHook(fleet.shutdownHook);
    try {
      fleet.build();
      return fleet;
    } catch (IOException | InterruptedException | RuntimeException e) {
      try {
        fleet.close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** The core router's address as seen from the root namespace (site "district-core"). */
  public String coreAddress() {
    return CORE_ADDRESS;
  }

  /** The sites, in index order (index 1 first). */
  public List<FleetSite> sites() {
    return sites;
  }

  /** The vantages, in index order (index 1 first); empty unless made by {@link #up(int, int)}. */
  public List<FleetVantage> vantages() {
    return vantages;
  }

  /**
   * The root namespace's own address on the fleet (198.19.0.1): where a test's servers listen (a
   * webhook receiver) so that agents in vantage namespaces reach them, through the core.
   */
  public String rootAddress() {
    return ROOT_ADDRESS;
  }

  /** The read-only SNMPv2c community of every site. */
  public String community() {
    return COMMUNITY;
  }

  /** Site {@code i} stops answering ping and SNMP: every packet to it is silently dropped. */
  public synchronized void fail(int i) {
    setFaults(i, faultsOf(i).withFailed(true));
  }

  /** Removes every fault of site {@code i} (fail, snmp-off, loss); does not undo a reboot. */
  public synchronized void recover(int i) {
    setFaults(i, Faults.NONE);
  }

  /** Site {@code i} drops SNMP requests (timeouts) and still answers ping. */
  public synchronized void snmpOff(int i) {
    setFaults(i, faultsOf(i).withSnmpOff(true));
  }

  /**
   * Each packet sent to site {@code i} (echo request, SNMP request) is dropped with probability
   * {@code percent} (0..100; 0 removes the loss). Replies are not touched.
   */
  public synchronized void lossy(int i, double percent) {
    if (!(percent >= 0 && percent <= 100)) {
      throw new IllegalArgumentException("loss must be 0..100 percent, got " + percent);
    }
    setFaults(i, faultsOf(i).withLossPercent(percent));
  }

  /**
   * Restarts site {@code i}'s snmpd like a device reboot: sysUpTime starts again near 0, the
   * engineID stays and snmpEngineBoots grows. Returns once the agent answers again (checked from
   * inside the site, so this works whatever faults the site has).
   */
  public synchronized void reboot(int i) {
    checkOpen();
    checkIndex(i);
    Snmpd agent = agents.get(i - 1);
    unchecked(agent::restart);
  }

  /** What one site's link has carried so far: Ethernet frames both ways (ARP included). */
  public record Traffic(long packets, long bytes) {
    /** What was carried between {@code earlier} and this reading. */
    public Traffic minus(Traffic earlier) {
      return new Traffic(packets - earlier.packets, bytes - earlier.bytes);
    }
  }

  /**
   * The traffic of every site's link so far, by site index: the counters of its veth leg in the
   * core ({@code vsN}), so every packet to or from the site counts, whatever its faults drop.
   */
  public synchronized Map<Integer, Traffic> traffic() {
    checkOpen();
    String[] json = new String[1];
    unchecked(() -> json[0] = HostCommand.of("ip", "-n", CORE_NS, "-s", "-j", "link", "show").run());
    Map<Integer, Traffic> out = new TreeMap<>();
    for (Object o : new JsonArray(json[0])) {
      JsonObject link = (JsonObject) o;
      String name = link.getString("ifname");
      if (name == null || !name.matches("vs\\d+")) {
        continue;
      }
      JsonObject stats = link.getJsonObject("stats64");
      JsonObject rx = stats.getJsonObject("rx");
      JsonObject tx = stats.getJsonObject("tx");
      out.put(
          Integer.parseInt(name.substring(2)),
          new Traffic(rx.getLong("packets") + tx.getLong("packets"), rx.getLong("bytes") + tx.getLong("bytes")));
    }
    return out;
  }

  /** The core router stops forwarding and answering: every site behind it falls silent. */
  public synchronized void failCore() {
    applyCore(true);
  }

  /** The core router forwards and answers again. */
  public synchronized void recoverCore() {
    applyCore(false);
  }

  /**
   * Vantage {@code vantage} can no longer reach site {@code site} (ping and SNMP, both ways,
   * silently dropped by the core as on a broken WAN path); the other vantages and the root
   * namespace still can. Idempotent.
   */
  public synchronized void cutVantagePath(int vantage, int site) {
    checkOpen();
    checkIndex(site);
    FleetVantage v = vantage(vantage);
    unchecked(() -> inNamespace(CORE_NS, "nft", "-f", "-")
        .stdin(pathCutRules(v, sites.get(site - 1))).run());
  }

  /** Undoes {@link #cutVantagePath}; idempotent (nothing to undo is fine). */
  public synchronized void restoreVantagePath(int vantage, int site) {
    checkOpen();
    checkIndex(site);
    FleetVantage v = vantage(vantage);
    unchecked(() -> inNamespace(CORE_NS, "nft", "-f", "-")
        .stdin(removeTable(pathCutTable(v.index(), site))).run());
  }

  /**
   * Vantages {@code a} and {@code b} stop hearing each other: each drops every packet from the
   * other's address on input, so both directions go silent (no refusal the engine could read as
   * a fast "gone"), as when the WAN link between two agents' sites breaks. Their paths to the
   * sites and to the root namespace stay. Idempotent.
   */
  public synchronized void partition(int a, int b) {
    checkOpen();
    FleetVantage va = vantage(a);
    FleetVantage vb = vantage(b);
    if (a == b) {
      throw new IllegalArgumentException("a vantage cannot be cut from itself: " + a);
    }
    String table = partitionTable(a, b);
    unchecked(() -> {
      inNamespace(va.namespace(), "nft", "-f", "-").stdin(partitionRules(table, vb.address())).run();
      inNamespace(vb.namespace(), "nft", "-f", "-").stdin(partitionRules(table, va.address())).run();
    });
  }

  /** Undoes {@link #partition}; idempotent. */
  public synchronized void heal(int a, int b) {
    checkOpen();
    FleetVantage va = vantage(a);
    FleetVantage vb = vantage(b);
    String table = partitionTable(a, b);
    unchecked(() -> {
      inNamespace(va.namespace(), "nft", "-f", "-").stdin(removeTable(table)).run();
      inNamespace(vb.namespace(), "nft", "-f", "-").stdin(removeTable(table)).run();
    });
  }

  /**
   * The command line that runs {@code argv} inside vantage {@code vantage}'s namespace ({@code ip
   * netns exec vcmt-vK ...}). {@code ip} execs the program, so the process started from it is
   * the program itself: its pid can be signalled directly.
   */
  public List<String> inVantage(int vantage, String... argv) {
    return vantageCommand(vantage(vantage), argv);
  }

  /**
   * The command line that runs {@code argv} inside the core router's namespace, whose address
   * towards the agent is {@link #coreAddress()}: what the district core itself sends (an SNMP
   * notification with {@code snmptrap}) comes from there.
   */
  public List<String> inCore(String... argv) {
    checkOpen();
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", CORE_NS));
    cmd.addAll(List.of(argv));
    return List.copyOf(cmd);
  }

  /**
   * Whether {@code address} answers ping from inside vantage {@code vantage} (fping, 3 tries of
   * 300 ms: a "no" takes about a second).
   */
  public boolean answersPing(int vantage, String address) {
    checkOpen();
    FleetVantage v = vantage(vantage);
    List<String> cmd = vantageCommand(v, "fping", "-q", "-r", "2", "-t", "300", "-B", "1", address);
    try {
      return HostCommand.of(cmd).timeout(Duration.ofSeconds(10)).execute().exitCode() == 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pinging from a vantage", e);
    }
  }

  /**
   * Kills the processes of the fleet's namespaces, deletes namespaces, links and routes (the
   * guard route last) and the work directory. Safe to call more than once.
   *
   * @throws IllegalStateException when something could not be removed (after trying the rest)
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    List<Exception> problems = new ArrayList<>();
    // A graceful stop first, so that each Snmpd object forgets its process and shutdown hook;
    // whatever survives is killed with the namespaces below.
    Snmpd core = coreAgent;
    coreAgent = null;
    if (core != null) {
      try {
        core.close();
      } catch (RuntimeException e) {
        problems.add(e);
      }
    }
    for (int i = 0; i < agents.length(); i++) {
      Snmpd agent = agents.getAndSet(i, null);
      if (agent != null) {
        try {
          agent.close();
        } catch (RuntimeException e) {
          problems.add(e);
        }
      }
    }
    try {
      removeLeftovers();
    } catch (IOException | RuntimeException e) {
      problems.add(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problems.add(e);
    }
    try {
      deleteTree(workDir);
    } catch (IOException e) {
      problems.add(e);
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      problems.add(e);
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running or about to: it finds the fleet closed
      }
    }
    if (!problems.isEmpty()) {
      IllegalStateException e =
          new IllegalStateException("network-namespace fleet was not fully removed: "
              + problems.get(0).getMessage());
      problems.forEach(e::addSuppressed);
      throw e;
    }
  }

  @Override
  public String toString() {
    return "NetnsFleet(" + sites.size() + " sites behind core " + CORE_ADDRESS
        + (vantages.isEmpty() ? "" : ", " + vantages.size() + " vantages") + ")";
  }

  // ------------------------------------------------------------------ naming, pure

  static String siteId(int i) {
    return String.format(Locale.ROOT, "site%03d", i);
  }

  static String siteAddress(int i) {
    return "198.19.1." + (10 + i);
  }

  static String siteNamespace(int i) {
    return SITE_NS_PREFIX + i;
  }

  static String vantageNamespace(int k) {
    return VANTAGE_NS_PREFIX + k;
  }

  static String vantageAddress(int k) {
    return "198.19.2." + (10 + k);
  }

  static List<String> vantageCommand(FleetVantage v, String... argv) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", v.namespace()));
    cmd.addAll(List.of(argv));
    return List.copyOf(cmd);
  }

  static String pathCutTable(int vantage, int site) {
    return "vcmt_cut_v" + vantage + "_s" + site;
  }

  /** One name per pair whatever the order, so that {@code heal(2, 1)} undoes {@code partition(1, 2)}. */
  static String partitionTable(int a, int b) {
    return "vcmt_part_v" + Math.min(a, b) + "_v" + Math.max(a, b);
  }

  /**
   * The core's nft script that drops what vantage {@code v} and site {@code s} send each other.
   * A forward chain: the path runs through the core. Adding again changes nothing.
   */
  static String pathCutRules(FleetVantage v, FleetSite s) {
    String table = pathCutTable(v.index(), s.index());
    return "add table inet " + table + "\n"
        + "add chain inet " + table
        + " forward { type filter hook forward priority -10; policy accept; }\n"
        + "flush chain inet " + table + " forward\n"
        + "add rule inet " + table + " forward ip saddr " + v.address() + " ip daddr "
        + s.address() + " drop\n"
        + "add rule inet " + table + " forward ip saddr " + s.address() + " ip daddr "
        + v.address() + " drop\n";
  }

  /** A vantage's nft script that drops everything {@code peer} sends it; idempotent. */
  static String partitionRules(String table, String peer) {
    return "add table inet " + table + "\n"
        + "add chain inet " + table
        + " input { type filter hook input priority -10; policy accept; }\n"
        + "flush chain inet " + table + " input\n"
        + "add rule inet " + table + " input ip saddr " + peer + " drop\n";
  }

  /** Deletes a table whether or not it exists (adding an existing table is a no-op). */
  static String removeTable(String table) {
    return "add table inet " + table + "\n" + "delete table inet " + table + "\n";
  }

  /** The nft script that makes a site's input chain match its faults. */
  static String siteRules(Faults f) {
    StringBuilder s = new StringBuilder();
    s.append("flush chain inet ").append(NFT_TABLE).append(" input\n");
    // The site's own traffic (snmpd's readiness check after a reboot) must pass whatever the fault.
    s.append("add rule inet ").append(NFT_TABLE).append(" input iifname \"lo\" accept\n");
    if (f.failed()) {
      s.append("add rule inet ").append(NFT_TABLE).append(" input drop\n");
    }
    if (f.snmpOff()) {
      s.append("add rule inet ").append(NFT_TABLE).append(" input udp dport ")
          .append(SNMP_PORT).append(" drop\n");
    }
    long perTenThousand = Math.round(f.lossPercent() * 100);
    if (perTenThousand > 0) {
      s.append("add rule inet ").append(NFT_TABLE)
          .append(" input numgen random mod 10000 < ").append(perTenThousand).append(" drop\n");
    }
    return s.toString();
  }

  /**
   * The nft script of the core: with {@code failed}, it drops what it would answer, and what it
   * would forward to or from the sites. Traffic between the vantages and the root namespace
   * (agents' APIs, webhooks) is not the district's and keeps flowing.
   */
  static String coreRules(boolean failed) {
    StringBuilder s = new StringBuilder();
    s.append("flush chain inet ").append(NFT_TABLE).append(" input\n");
    s.append("flush chain inet ").append(NFT_TABLE).append(" forward\n");
    s.append("add rule inet ").append(NFT_TABLE).append(" input iifname \"lo\" accept\n");
    if (failed) {
      s.append("add rule inet ").append(NFT_TABLE).append(" input drop\n");
      s.append("add rule inet ").append(NFT_TABLE).append(" forward ip daddr ").append(SITE_NET)
          .append(" drop\n");
      s.append("add rule inet ").append(NFT_TABLE).append(" forward ip saddr ").append(SITE_NET)
          .append(" drop\n");
    }
    return s.toString();
  }

  static String baseTable(boolean withForward) {
    return "table inet " + NFT_TABLE + " {\n"
        + "  chain input { type filter hook input priority -5; policy accept; }\n"
        + (withForward
            ? "  chain forward { type filter hook forward priority -5; policy accept; }\n"
            : "")
        + "}\n";
  }

  // ------------------------------------------------------------------ building

  private void build() throws IOException, InterruptedException {
    removeLeftovers();
    // The guard goes first: from here on nothing addressed to 198.18.0.0/15 can leave the host.
    ip("route", "add", "blackhole", GUARD_NET, "proto", GUARD_PROTO, "metric", GUARD_METRIC);

    StringBuilder namespaces = new StringBuilder();
    namespaces.append("netns add ").append(CORE_NS).append('\n');
    for (FleetSite s : sites) {
      namespaces.append("netns add ").append(siteNamespace(s.index())).append('\n');
    }
    for (FleetVantage v : vantages) {
      namespaces.append("netns add ").append(v.namespace()).append('\n');
    }
    namespaces.append("link add ").append(BRIDGE_A).append(" type bridge\n");
    namespaces.append("link add ").append(CORE_LEG)
        .append(" type veth peer name eth0 netns ").append(CORE_NS).append('\n');
    ipBatch(null, namespaces.toString());
    disableIpv6InRoot(BRIDGE_A);
    disableIpv6InRoot(CORE_LEG);
    // Before the site veths exist, so that they are born without IPv6 (no DAD, RS, MLD noise).
    inNamespace(CORE_NS, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1", "net.ipv4.ip_forward=1").run();
    // With br_netfilter loaded, bridged frames would cross the core's IP forward chain: vantage
    // to vantage traffic would then depend on the core's forwarding (and a failed core would
    // split the cluster). These keys are per namespace (kernel 5.3+); -e: absent is fine.
    inNamespace(CORE_NS, "sysctl", "-e", "-qw", "net.bridge.bridge-nf-call-iptables=0",
        "net.bridge.bridge-nf-call-ip6tables=0", "net.bridge.bridge-nf-call-arptables=0").run();

    StringBuilder core = new StringBuilder();
    core.append("link set lo up\n");
    core.append("addr add ").append(CORE_ADDRESS).append("/24 dev eth0\n");
    core.append("link set eth0 up\n");
    core.append("link add ").append(BRIDGE_B).append(" type bridge\n");
    core.append("addr add ").append(CORE_SITE_SIDE).append("/24 dev ").append(BRIDGE_B).append('\n');
    core.append("link set ").append(BRIDGE_B).append(" up\n");
    for (FleetSite s : sites) {
      String leg = "vs" + s.index();
      core.append("link add ").append(leg).append(" type veth peer name eth0 netns ")
          .append(siteNamespace(s.index())).append('\n');
      core.append("link set ").append(leg).append(" master ").append(BRIDGE_B).append(" up\n");
    }
    if (!vantages.isEmpty()) {
      core.append("link add ").append(BRIDGE_C).append(" type bridge\n");
      core.append("addr add ").append(CORE_VANTAGE_SIDE).append("/24 dev ").append(BRIDGE_C)
          .append('\n');
      core.append("link set ").append(BRIDGE_C).append(" up\n");
    }
    for (FleetVantage v : vantages) {
      String leg = VANTAGE_LEG_PREFIX + v.index();
      core.append("link add ").append(leg).append(" type veth peer name eth0 netns ")
          .append(v.namespace()).append('\n');
      core.append("link set ").append(leg).append(" master ").append(BRIDGE_C).append(" up\n");
    }
    ipBatch(CORE_NS, core.toString());
    inNamespace(CORE_NS, "nft", "-f", "-").stdin(baseTable(true) + coreRules(false)).run();

    ipBatch(null,
        "addr add " + ROOT_ADDRESS + "/24 dev " + BRIDGE_A + "\n"
            + "link set " + BRIDGE_A + " up\n"
            + "link set " + CORE_LEG + " master " + BRIDGE_A + " up\n"
            + "route add " + SITE_NET + " via " + CORE_ADDRESS + " dev " + BRIDGE_A
            + " proto " + GUARD_PROTO + "\n"
            + (vantages.isEmpty()
                ? ""
                : "route add " + VANTAGE_NET + " via " + CORE_ADDRESS + " dev " + BRIDGE_A
                    + " proto " + GUARD_PROTO + "\n"));
    for (FleetVantage v : vantages) {
      buildVantage(v);
    }

    ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, sites.size()));
    try {
      List<Future<Void>> done = new ArrayList<>();
      done.add(pool.submit(() -> {
        coreAgent = startCoreAgent();
        return null;
      }));
      for (FleetSite s : sites) {
        done.add(pool.submit(() -> {
          buildSite(s);
          return null;
        }));
      }
      for (Future<Void> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException) {
            throw (IOException) cause;
          }
          if (cause instanceof InterruptedException) {
            throw (InterruptedException) cause;
          }
          throw new IllegalStateException(cause);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> answering = new ArrayList<>(
        List.of(CORE_ADDRESS, sites.get(0).address(), sites.get(sites.size() - 1).address()));
    vantages.forEach(v -> answering.add(v.address()));
    awaitPing(answering.toArray(String[]::new));
  }

  /**
   * A vantage is a host with one leg on bridge C: loopback up (the agent's own connections to
   * itself), no IPv6 (no DAD, RS or MLD noise, like the sites), default route via the core.
   */
  private void buildVantage(FleetVantage v) throws IOException, InterruptedException {
    inNamespace(v.namespace(), "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1").run();
    ipBatch(v.namespace(),
        "link set lo up\n"
            + "addr add " + v.address() + "/24 dev eth0\n"
            + "link set eth0 up\n"
            + "route add default via " + CORE_VANTAGE_SIDE + "\n");
  }

  private void buildSite(FleetSite s) throws IOException, InterruptedException {
    String ns = siteNamespace(s.index());
    inNamespace(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1").run();
    ipBatch(ns,
        "link set lo up\n"
            + "addr add " + s.address() + "/24 dev eth0\n"
            + "link set eth0 up\n"
            // the codec's second (PC) port, unplugged: IF-MIB shows an interface that is down
            + "link add eth1 type ifb\n"
            + "route add default via " + CORE_SITE_SIDE + "\n");
    inNamespace(ns, "nft", "-f", "-").stdin(baseTable(false) + siteRules(Faults.NONE)).run();
    Identity id = identity(s.index());
    Snmpd.Builder agent =
        Snmpd.builder(workDir.resolve(s.id()))
            .listen(s.address(), s.snmpPort())
            .netns(ns)
            .sysName(s.id())
            .sysDescr(id.sysDescr())
            .sysObjectId(id.sysObjectId())
            .sysLocation(id.sysLocation())
            .community(COMMUNITY)
            .v3User(V3_USER, V3_AUTH_PASS, V3_PRIV_PASS)
            // veths report no speed: show the codec's ports as 1 Gbit/s ethernet (ifType 6)
            .extraConfig("interface eth0 6 1000000000")
            .extraConfig("interface eth1 6 1000000000");
    agents.set(s.index() - 1, agent.start()); // returns once the agent answers snmpget
  }

  /** The core answers SNMP too, like the district's real router, so it can be a polled parent. */
  private Snmpd startCoreAgent() throws IOException, InterruptedException {
    return Snmpd.builder(workDir.resolve(CORE_ID))
        .listen(CORE_ADDRESS, SNMP_PORT)
        .netns(CORE_NS)
        .sysName(CORE_ID)
        .sysDescr("Cisco IOS XE Software, ISR4331 Software (X86_64_LINUX_IOSD-UNIVERSALK9-M),"
            + " Version 17.9.4a")
        .sysObjectId(".1.3.6.1.4.1.9.1.1861")
        .sysLocation("Trung tâm Văn hóa huyện Đại Từ - phòng máy chủ")
        .community(COMMUNITY)
        .v3User(V3_USER, V3_AUTH_PASS, V3_PRIV_PASS)
        .start();
  }

  /**
   * What site {@code i} says it is: the three codec models of the district (Cisco Webex Room Kit,
   * Polycom Group 500, Poly Studio X50) in turn, and a Vietnamese location, so that tests see
   * varied, non-ASCII identities as in the field.
   */
  static Identity identity(int i) {
    String location = String.format(Locale.ROOT, "UBND xã %03d - phòng họp trực tuyến", i);
    switch (i % 3) {
      case 0:
        return new Identity(
            "Cisco Codec, SoftW: ce9.15.18.5 7ab2a5d5d9a 2023-09-12, MCU: Cisco Webex Room Kit,"
                + " Date: 2023-09-12, S/N: " + String.format(Locale.ROOT, "FOC2412N%04d", i),
            ".1.3.6.1.4.1.5596.150.6.4.1",
            location);
      case 1:
        return new Identity(
            "Polycom RealPresence Group 500, Version 6.2.2.8-480003, S/N: "
                + String.format(Locale.ROOT, "8213%06d", i),
            ".1.3.6.1.4.1.13885.101",
            location);
      default:
        return new Identity(
            "Poly Studio X50, Version 4.1.2.0002, S/N: " + String.format(Locale.ROOT, "8L21%06d", i),
            ".1.3.6.1.4.1.13885.102",
            location);
    }
  }

  /** Waits until every address answers one ping; ARP and bridge learning take a moment. */
  private static void awaitPing(String... addresses) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("fping", "-q", "-r", "20", "-t", "250", "-B", "1"));
    cmd.addAll(List.of(addresses));
    HostCommand.Result r = HostCommand.of(cmd).timeout(Duration.ofSeconds(30)).execute();
    if (r.exitCode() != 0) {
      throw new IOException(
          "fleet built but " + String.join(" ", addresses) + " did not all answer ping: "
              + r.stderr().strip());
    }
  }

  // ------------------------------------------------------------------ faults

  private Faults faultsOf(int i) {
    checkIndex(i);
    return faults[i - 1];
  }

  private void setFaults(int i, Faults next) {
    checkOpen();
    checkIndex(i);
    unchecked(() -> inNamespace(siteNamespace(i), "nft", "-f", "-").stdin(siteRules(next)).run());
    faults[i - 1] = next;
  }

  private void applyCore(boolean failed) {
    checkOpen();
    unchecked(() -> inNamespace(CORE_NS, "nft", "-f", "-").stdin(coreRules(failed)).run());
  }

  private FleetVantage vantage(int k) {
    if (k < 1 || k > vantages.size()) {
      throw new IllegalArgumentException(
          vantages.isEmpty()
              ? "this fleet has no vantages: make it with NetnsFleet.up(sites, vantages)"
              : "no vantage " + k + " in this fleet: vantages are numbered 1.." + vantages.size());
    }
    return vantages.get(k - 1);
  }

  private void checkIndex(int i) {
    if (i < 1 || i > sites.size()) {
      throw new IllegalArgumentException(
          "no site " + i + " in this fleet: sites are numbered 1.." + sites.size());
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the fleet is closed");
    }
  }

  // ------------------------------------------------------------------ removal

  /**
   * Removes everything named like this fixture's objects, whoever made them: processes in the
   * namespaces first (a namespace lives on while a process holds it), then namespaces, root
   * links, and the guard route last.
   */
  private static void removeLeftovers() throws IOException, InterruptedException {
    List<String> namespaces = new ArrayList<>();
    for (String line : HostCommand.of("ip", "netns", "list").run().split("\n")) {
      String name = line.strip().split("\\s+")[0];
      if (OWN_NAMESPACE.matcher(name).matches()) {
        namespaces.add(name);
      }
    }
    List<ProcessHandle> killed = new ArrayList<>();
    for (String ns : namespaces) {
      HostCommand.Result pids = HostCommand.of("ip", "netns", "pids", ns).execute();
      for (String pid : pids.stdout().split("\\s+")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(p -> {
            p.destroyForcibly();
            killed.add(p);
          });
        }
      }
    }
    for (ProcessHandle p : killed) {
      try {
        p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        // deleting the namespace below still unmounts it; the process keeps only itself alive
      }
    }
    if (!namespaces.isEmpty()) {
      StringBuilder del = new StringBuilder();
      namespaces.forEach(ns -> del.append("netns del ").append(ns).append('\n'));
      HostCommand.of("ip", "-force", "-batch", "-").stdin(del.toString()).execute();
    }
    String links = HostCommand.of("ip", "-o", "link", "show").run();
    for (String name : OWN_LINKS) {
      if (Pattern.compile("^\\d+: " + Pattern.quote(name) + "[@:]", Pattern.MULTILINE)
          .matcher(links).find()) {
        // Deleting a namespace takes its veth peers with it, asynchronously: a link listed a
        // moment ago may be gone already, which is what we want.
        HostCommand.Result del = HostCommand.of("ip", "link", "del", name).execute();
        if (del.exitCode() != 0 && !del.stderr().contains("Cannot find device")) {
          throw new IOException("ip link del " + name + " failed: " + del.stderr().strip());
        }
      }
    }
    String routes =
        HostCommand.of("ip", "route", "show", "table", "main", "proto", GUARD_PROTO).run();
    for (String line : routes.split("\n")) {
      for (String net : List.of(SITE_NET, VANTAGE_NET)) {
        if (line.startsWith(net + " ")) {
          HostCommand.of("ip", "route", "del", net, "proto", GUARD_PROTO).execute();
        }
      }
    }
    for (String line : routes.split("\n")) {
      if (line.startsWith("blackhole " + GUARD_NET + " ")
          && line.contains("metric " + GUARD_METRIC)) {
        HostCommand.of("ip", "route", "del", "blackhole", GUARD_NET, "proto", GUARD_PROTO,
            "metric", GUARD_METRIC).run();
      }
    }
  }

  // ------------------------------------------------------------------ plumbing

  private static void ip(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("ip");
    cmd.addAll(List.of(args));
    HostCommand.of(cmd).run();
  }

  /** Many ip commands in one process: a few ms for the whole fleet instead of per command. */
  private static void ipBatch(String namespace, String commands)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    if (namespace != null) {
      cmd.addAll(List.of("-n", namespace));
    }
    cmd.addAll(List.of("-batch", "-"));
    HostCommand.of(cmd).stdin(commands).run();
  }

  private static HostCommand inNamespace(String namespace, String... argv) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    cmd.addAll(List.of(argv));
    return HostCommand.of(cmd);
  }

  private static void disableIpv6InRoot(String link) throws IOException {
    Path knob = Path.of("/proc/sys/net/ipv6/conf", link, "disable_ipv6");
    if (Files.exists(knob)) { // absent when the host runs without IPv6 at all
      Files.writeString(knob, "1");
    }
  }

  private static FileLock acquire(FileChannel channel, Path lockPath)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    while (true) {
      try {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          return lock;
        }
      } catch (OverlappingFileLockException sameJvm) {
        // another fleet of this JVM is up: wait for it like for another JVM's
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "another network-namespace fleet has held " + lockPath + " for over "
                + LOCK_WAIT.toMinutes() + " minutes; the fixture's names are fixed, so only one"
                + " fleet runs per machine: close the other one first");
      }
      Thread.sleep(200);
    }
  }

  private static String field(String procStatus, String key) {
    for (String line : procStatus.split("\n")) {
      if (line.startsWith(key)) {
        return line.substring(key.length()).strip();
      }
    }
    return "";
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private interface HostAction {
    void run() throws IOException, InterruptedException;
  }

  private static void unchecked(HostAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while changing the fleet", e);
    }
  }

  /** sysDescr, sysObjectID and sysLocation of one site. */
  record Identity(String sysDescr, String sysObjectId, String sysLocation) {}

  /** The faults of one site; combined, with {@code failed} winning over everything. */
  record Faults(boolean failed, boolean snmpOff, double lossPercent) {
    static final Faults NONE = new Faults(false, false, 0);

    Faults withFailed(boolean value) {
      return new Faults(value, snmpOff, lossPercent);
    }

    Faults withSnmpOff(boolean value) {
      return new Faults(failed, value, lossPercent);
    }

    Faults withLossPercent(double value) {
      return new Faults(failed, snmpOff, value);
    }
  }
}
