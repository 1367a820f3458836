package org.daitu.vcmon.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real net-snmp {@code snmpd} for tests, started with a generated configuration in a work
 * directory of its own.
 *
 * <p>The agent reads nothing under /etc/snmp: {@code SNMPCONFPATH} points at the work directory
 * and its {@code persist} sub-directory, and {@code SNMP_PERSISTENT_DIR} at the latter. That is
 * also what makes {@link #restart()} look like a device reboot: snmpd saves its engineID and
 * engineBoots there on SIGTERM and reads them back, so the engineID stays and sysUpTime starts
 * again near 0.
 *
 * <p>snmpd runs in the foreground ({@code -f}) so this object owns the process and can stop it
 * without relying on a pid file. {@link #start()} returns only once the agent answers a real
 * {@code snmpget}, so tests never race its start-up.
 *
 * <pre>{@code
 * try (Snmpd agent = Snmpd.builder(tmp).sysName("ha-thuong").community("public").start()) {
 *   probe.poll(agent.address(), agent.port(), profile) ...
 * }
 * }</pre>
 */
public final class Snmpd implements AutoCloseable {
  private static final Path SNMPD = Path.of("/usr/sbin/snmpd");
  private static final Path SNMPGET = Path.of("/usr/bin/snmpget");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final String SYS_NAME_OID = ".1.3.6.1.2.1.1.5.0";

  private final Builder spec;
  private final Path workDir;
  private final String address;
  private final int port;
  private Process process;
  private Thread shutdownHook;

  private Snmpd(Builder spec, String address, int port) {
    this.spec = spec;
    this.workDir = spec.workDir;
    this.address = address;
    this.port = port;
  }

  /**
   * Why snmpd cannot run here, or empty when it can. Tests call it in
   * {@code HostTools.requireAvailable(Snmpd.unavailableReason())}: skipped, or failed under CI.
   */
  public static Optional<String> unavailableReason() {
    if (!Files.isExecutable(SNMPD)) {
      return Optional.of(
          "net-snmp agent " + SNMPD + " not found: install the Debian package snmpd");
    }
    if (!Files.isExecutable(SNMPGET)) {
      return Optional.of(
          "net-snmp client " + SNMPGET + " not found (used to wait for the agent):"
              + " install the Debian package snmp");
    }
    return Optional.empty();
  }

  /** A builder whose config, pid file, log and persistent state all live in {@code workDir}. */
  public static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** The address the agent listens on. */
  public String address() {
    return address;
  }

  /** The UDP port the agent listens on. */
  public int port() {
    return port;
  }

  /** The agent's log file (net-snmp {@code -Lf}); worth printing when a test fails. */
  public Path logFile() {
    return workDir.resolve("snmpd.log");
  }

  /** Whether the snmpd process is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Stops the agent (SIGTERM, then SIGKILL after a grace period). Its port stays reserved for
   * nobody: a request sent now gets no answer, which is what a dead device looks like.
   */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    Process p = process;
    process = null;
    p.destroy();
    try {
      if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    removeShutdownHook();
  }

  /**
   * Starts a new snmpd process with the same configuration and port, like a device reboot:
   * sysUpTime starts again near 0, the engineID is kept and snmpEngineBoots grows by one.
   */
  public synchronized void restart() throws IOException, InterruptedException {
    stop();
    launch();
  }

  /** Stops the agent; safe to call more than once. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "snmpd " + address + ":" + port + (spec.netns == null ? "" : " in netns " + spec.netns);
  }

  private synchronized void launch() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(spec.netnsPrefix());
    cmd.addAll(
        List.of(
            SNMPD.toString(),
            "-f",
            "-Lf",
            logFile().toString(),
            "-p",
            workDir.resolve("snmpd.pid").toString(),
            "udp:" + address + ":" + port));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("snmpd.out").toFile()));
    pb.environment().put("SNMPCONFPATH", workDir + ":" + persistDir());
    pb.environment().put("SNMP_PERSISTENT_DIR", persistDir().toString());
    process = pb.start();
    Process started = process;
    shutdownHook = new Thread(started::destroyForcibly, "snmpd-" + port + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    awaitAnswer(started);
  }

  private Path persistDir() {
    return workDir.resolve("persist");
  }

  private void removeShutdownHook() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook runs anyway
      }
      shutdownHook = null;
    }
  }

  /** Polls with snmpget (from inside the same namespace) until the agent answers. */
  private void awaitAnswer(Process started) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!started.isAlive()) {
        stop();
        throw new IOException(
            "snmpd exited at start-up with code " + started.exitValue() + "; " + logTail());
      }
      if (answers()) {
        return;
      }
      Thread.sleep(100);
    }
    stop();
    throw new IOException(
        "snmpd did not answer snmpget on " + address + ":" + port + " within "
            + READY_TIMEOUT.toSeconds() + "s; " + logTail());
  }

  private boolean answers() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(spec.netnsPrefix());
    cmd.add(SNMPGET.toString());
    if (spec.community != null) {
      cmd.addAll(List.of("-v2c", "-c", spec.community));
    } else if (spec.v1Community != null) {
      cmd.addAll(List.of("-v1", "-c", spec.v1Community));
    } else if (spec.v3User != null) {
      cmd.addAll(
          List.of(
              "-v3", "-l", "authPriv", "-u", spec.v3User, "-a", "SHA", "-A", spec.v3AuthPass,
              "-x", "AES", "-X", spec.v3PrivPass));
    } else {
      // nobody may read it: a running process is all we can check
      return true;
    }
    cmd.addAll(List.of("-t", "0.3", "-r", "0", "-On", address + ":" + port, SYS_NAME_OID));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    // keep the client away from /etc/snmp and /var/lib/snmp as well
    pb.environment().put("SNMPCONFPATH", workDir.resolve("client").toString());
    pb.environment().put("SNMP_PERSISTENT_DIR", workDir.resolve("client").toString());
    pb.environment().put("MIBS", "");
    Process p = pb.start();
    if (!p.waitFor(3, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
      return "last log lines of " + logFile() + ": "
          + String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    } catch (IOException e) {
      return "no log at " + logFile();
    }
  }

  /** What the generated snmpd.conf contains; defaults give a plain, readable agent. */
  public static final class Builder {
    private final Path workDir;
    private String address = "127.0.0.1";
    private int port;
    private String netns;
    private String sysName = "vcmon-test";
    private String sysDescr = "net-snmp test agent";
    private String sysObjectId;
    private String sysLocation = "test bench";
    private String community;
    private String v1Community;
    private String v3User;
    private String v3AuthPass;
    private String v3PrivPass;
    private final List<String> overrides = new ArrayList<>();
    private final Set<String> overriddenOids = new LinkedHashSet<>();
    private final List<String> extra = new ArrayList<>();

    private Builder(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    /**
     * Where the agent listens. Port 0 (the default) picks a free UDP port on the address; inside
     * a network namespace the port cannot be probed from here, so give one (161 if left 0).
     */
    public Builder listen(String address, int port) {
      this.address = Objects.requireNonNull(address, "address");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** Runs the agent (and the readiness snmpget) inside {@code ip netns exec NAME}. */
    public Builder netns(String name) {
      this.netns = Objects.requireNonNull(name, "netns");
      return this;
    }

    public Builder sysName(String value) {
      this.sysName = value;
      return this;
    }

    public Builder sysDescr(String value) {
      this.sysDescr = value;
      return this;
    }

    /** sysObjectID.0, numeric ({@code 1.3.6.1.4.1.13885.101}); a leading dot is optional. */
    public Builder sysObjectId(String value) {
      this.sysObjectId = value.startsWith(".") ? value : "." + value;
      return this;
    }

    public Builder sysLocation(String value) {
      this.sysLocation = value;
      return this;
    }

    /** A read-only v2c community for any source, limited to the test view. */
    public Builder community(String value) {
      this.community = Objects.requireNonNull(value, "community");
      return this;
    }

    /**
     * A read-only community that only SNMPv1 may use, limited to the test view: the agent answers
     * v1 requests with it and drops v2c ones silently, like an old router or codec that speaks
     * only v1. ({@code rocommunity} would allow both; this is net-snmp's VACM with a group for the
     * v1 security model alone.) Must differ from {@link #community}.
     */
    public Builder v1Community(String value) {
      this.v1Community = Objects.requireNonNull(value, "community");
      return this;
    }

    /** A read-only SNMPv3 user, authPriv with SHA and AES (passwords need 8 characters). */
    public Builder v3User(String user, String authPass, String privPass) {
      if (authPass.length() < 8 || privPass.length() < 8) {
        throw new IllegalArgumentException(
            "net-snmp needs v3 passwords of at least 8 characters; user " + user);
      }
      this.v3User = user;
      this.v3AuthPass = authPass;
      this.v3PrivPass = privPass;
      return this;
    }

    /**
     * A net-snmp {@code override OID TYPE VALUE}: the agent answers VALUE for OID (types:
     * integer, uinteger, octet_str, object_id, counter, null...). Octet strings are quoted here.
     * The OID is added to the view, so it is readable with the community and the v3 user.
     */
    public Builder override(String oid, String type, String value) {
      String o = oid.startsWith(".") ? oid : "." + oid;
      String v = "octet_str".equals(type) && !value.startsWith("\"") ? '"' + value + '"' : value;
      overrides.add("override " + o + " " + type + " " + v);
      overriddenOids.add(o);
      return this;
    }

    /**
     * As {@link #override} for an OCTET STRING of exactly these bytes (Windows-1252 text, line
     * breaks, binary): net-snmp reads an {@code octet_str} value written {@code 0x…} as hex, so
     * the config file stays ASCII whatever the bytes are.
     */
    public Builder overrideBytes(String oid, byte[] value) {
      if (value.length == 0) {
        throw new IllegalArgumentException("net-snmp cannot read an empty hex value; use override");
      }
      String o = oid.startsWith(".") ? oid : "." + oid;
      StringBuilder hex = new StringBuilder("0x");
      for (byte b : value) {
        hex.append(String.format("%02x", b & 0xff));
      }
      overrides.add("override " + o + " octet_str " + hex); // unquoted, or it is read as text
      overriddenOids.add(o);
      return this;
    }

    /** Any other snmpd.conf line, written after the generated ones. */
    public Builder extraConfig(String line) {
      extra.add(line);
      return this;
    }

    /** Writes the configuration, starts snmpd and waits until it answers snmpget. */
    public Snmpd start() throws IOException, InterruptedException {
      Optional<String> missing = unavailableReason();
      if (missing.isPresent()) {
        throw new IOException(missing.get());
      }
      Files.createDirectories(workDir.resolve("persist"));
      Files.createDirectories(workDir.resolve("client"));
      int p = port != 0 ? port : netns != null ? 161 : freeUdpPort(address);
      Files.writeString(workDir.resolve("snmpd.conf"), config(), StandardCharsets.UTF_8);
      Snmpd agent = new Snmpd(this, address, p);
      agent.launch();
      return agent;
    }

    private List<String> netnsPrefix() {
      return netns == null ? List.of() : List.of("ip", "netns", "exec", netns);
    }

    private String config() {
      StringBuilder c = new StringBuilder();
      c.append("# generated by the Snmpd test fixture\n");
      // no MIB files: nothing below depends on names, and loading them costs start-up time
      c.append("[snmp] mibs :\n");
      c.append("sysName ").append(sysName).append('\n');
      c.append("sysDescr ").append(sysDescr).append('\n');
      if (sysObjectId != null) {
        c.append("sysObjectID ").append(sysObjectId).append('\n');
      }
      c.append("sysLocation ").append(sysLocation).append('\n');
      c.append("sysContact vcmon tests <it@example.org>\n");
      c.append("sysServices 72\n");
      for (String sub :
          List.of(
              ".1.3.6.1.2.1.1", ".1.3.6.1.2.1.2", ".1.3.6.1.2.1.31", ".1.3.6.1.2.1.25.1.1",
              ".1.3.6.1.6.3")) {
        c.append("view vcview included ").append(sub).append('\n');
      }
      for (String oid : overriddenOids) {
        c.append("view vcview included ").append(oid).append('\n');
      }
      if (community != null) {
        c.append("rocommunity ").append(community).append(" default -V vcview\n");
      }
      if (v1Community != null) {
        if (v1Community.equals(community)) {
          throw new IllegalStateException("the v1-only community must differ from the v2c one");
        }
        c.append("com2sec vcv1sec default ").append(v1Community).append('\n');
        c.append("group vcv1group v1 vcv1sec\n");
        c.append("access vcv1group \"\" any noauth exact vcview none none\n");
      }
      if (v3User != null) {
        c.append("createUser ").append(v3User).append(" SHA \"").append(v3AuthPass)
            .append("\" AES \"").append(v3PrivPass).append("\"\n");
        c.append("rouser ").append(v3User).append(" priv -V vcview\n");
      }
      c.append("dontLogTCPWrappersConnects yes\n");
      overrides.forEach(o -> c.append(o).append('\n'));
      extra.forEach(e -> c.append(e).append('\n'));
      return c.toString();
    }

    private static int freeUdpPort(String address) throws IOException {
      try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0))) {
        return s.getLocalPort();
      }
    }
  }
}
