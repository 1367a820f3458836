package org.daitu.vcmon.probe.icmp;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.daitu.vcmon.inventory.IpLiteral;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.ProbeStoppedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link IcmpProbe} in the agent's own process ({@code probe.icmp.engine: socket}, or no fping):
 * echoes go out of one raw ICMP socket and their replies are matched by identifier and sequence
 * number (on a datagram ICMP socket, which needs no privilege, by sequence number: the kernel sets
 * the identifier), so a check costs two system calls per echo instead of a process per batch. At 10,000 sites the
 * fping processes cost more CPU than everything else vcmon does; see the Performance
 * section of docs/performance.md.
 *
 * <p>The same echoes fping would send: {@code packets} per address, {@code period} apart, each
 * waited for up to {@code timeout}; a check ends when every echo is answered or timed out. All
 * checks together send at most {@link #MAX_RATE} echoes a second (fping's {@code -i 1} in each of
 * four processes), in bursts of at most {@link #BURST}.
 *
 * <p>Only IPv4 literals are pinged here; host names and IPv6 addresses go to the {@code
 * fallback} (fping). One sender and one receiver thread, both daemon threads; results are handed
 * back on the caller's Vert.x context. Thread-safe.
 */
public final class EchoEngine implements IcmpProbe {
  private static final Logger log = LoggerFactory.getLogger(EchoEngine.class);

  /** Echoes per second over all checks: the rate of four fping processes at {@code -i 1}. */
  static final int MAX_RATE = 4000;

  /** Most echoes sent back to back before pacing resumes. */
  static final int BURST = 50;

  /** Targets whose echoes leave together, and the time between two such groups. */
  static final int GROUP = 10;

  static final long GROUP_GAP_NANOS = 10_000_000L;

  /** Data bytes after the 8-byte ICMP header: fping's default, 84-byte IP packets. */
  static final int PAYLOAD = 56;

  private final Vertx vertx;
  private final int packets;
  private final long periodNanos;
  private final long timeoutNanos;
  private final IcmpProbe fallback;
  private final RawIcmpSocket socket;
  private final int identifier = ThreadLocalRandom.current().nextInt(1 << 16);
  /** Echoes in flight by sequence number. */
  private final AtomicReferenceArray<Echo> inFlight = new AtomicReferenceArray<>(1 << 16);
  /** Echoes to send and checks to end, by time; only the sender thread touches it. */
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private final List<Event> incoming = new ArrayList<>();
  private final Thread sender;
  private final Thread receiver;
  private volatile boolean stopped;
  /** Why replies cannot be read any more (the receiver died), or null. */
  private volatile String broken;
  private int nextSequence;

  private EchoEngine(Vertx vertx, AgentConfig.Icmp icmp, Duration timeout, IcmpProbe fallback, RawIcmpSocket socket) {
    this.vertx = vertx;
    this.packets = icmp.packets();
    this.periodNanos = icmp.period().toNanos();
    this.timeoutNanos = timeout.toNanos();
    this.fallback = fallback;
    this.socket = socket;
    this.sender = new Thread(this::sendLoop, "vcmon-icmp-send");
    this.receiver = new Thread(this::receiveLoop, "vcmon-icmp-receive");
    sender.setDaemon(true);
    receiver.setDaemon(true);
    sender.start();
    receiver.start();
  }

  /**
   * Opens the raw socket and starts the threads; fails with the reason (no CAP_NET_RAW, no JNA
   * for this platform) so the caller can fall back to fping.
   */
  public static EchoEngine open(Vertx vertx, AgentConfig.Icmp icmp, Duration timeout, IcmpProbe fallback)
      throws IOException {
    return new EchoEngine(vertx, icmp, timeout, fallback, RawIcmpSocket.open(250));
  }

  /**
   * As {@link #open} over a datagram ("ping") socket, which needs no privilege but the group in
   * {@code net.ipv4.ping_group_range}; fails with why and the sysctl that allows it.
   */
  public static EchoEngine openDatagram(
      Vertx vertx, AgentConfig.Icmp icmp, Duration timeout, IcmpProbe fallback) throws IOException {
    return new EchoEngine(vertx, icmp, timeout, fallback, RawIcmpSocket.openDatagram(250));
  }

  /** "raw socket" or "datagram socket": which kind of ICMP socket the echoes go out of. */
  public String socketKind() {
    return socket.datagram() ? "datagram socket" : "raw socket";
  }

  /** Why echoes cannot be measured now (the receiver failed, or the fallback cannot ping), or null. */
  @Override
  public String unavailableReason() {
    return broken != null ? broken : fallback.unavailableReason();
  }

  /**
   * Stops both threads and closes the socket, then the fallback it was given; checks in flight
   * fail with {@link ProbeStoppedException}: echoes cut short by the stop are not losses.
   */
  @Override
  public Future<Void> close() {
    stopped = true;
    LockSupport.unpark(sender);
    return fallback.close();
  }

  @Override
  public Future<Map<String, IcmpResult>> ping(Collection<String> addresses) {
    List<String> here = new ArrayList<>();
    List<String> elsewhere = new ArrayList<>();
    for (String a : addresses) {
      (IpLiteral.isIpv4(a) ? here : elsewhere).add(a);
    }
    Future<Map<String, IcmpResult>> others =
        elsewhere.isEmpty() ? Future.succeededFuture(Map.of()) : fallback.ping(elsewhere);
    if (here.isEmpty()) {
      return others;
    }
    Context ctx = vertx.getOrCreateContext();
    Promise<Map<String, IcmpResult>> mine = Promise.promise();
    Check check =
        new Check(
            here,
            results -> ctx.runOnContext(v -> mine.complete(results)),
            err -> ctx.runOnContext(v -> mine.fail(err)));
    if (stopped) {
      check.abandon();
    } else if (broken != null) {
      check.finish();
    } else {
      synchronized (incoming) {
        incoming.add(new Event(System.nanoTime(), check, 0, 0));
      }
      LockSupport.unpark(sender);
    }
    return Future.all(others, mine.future())
        .map(
            v -> {
              Map<String, IcmpResult> all = new LinkedHashMap<>(others.result());
              all.putAll(mine.future().result());
              return all;
            });
  }

  /** One call of {@link #ping}: its targets, their echoes and what came back. */
  private final class Check {
    final List<String> addresses;
    final byte[][] ipv4;
    /** RTT in nanoseconds per target and echo; -1 while unanswered. */
    final long[][] rtt;
    final int[] sent;
    final Consumer<Map<String, IcmpResult>> done;
    final Consumer<Throwable> failed;
    int outstanding;
    boolean finished;

    Check(List<String> addresses, Consumer<Map<String, IcmpResult>> done, Consumer<Throwable> failed) {
      this.addresses = addresses;
      this.done = done;
      this.failed = failed;
      ipv4 = new byte[addresses.size()][];
      rtt = new long[addresses.size()][packets];
      sent = new int[addresses.size()];
      for (int i = 0; i < ipv4.length; i++) {
        ipv4[i] = parse(addresses.get(i));
        Arrays.fill(rtt[i], -1);
      }
      outstanding = addresses.size() * packets;
    }

    /** Records an answer; ends the check when it was the last one outstanding. */
    void answered(int target, int echo, long nanos) {
      boolean last;
      synchronized (this) {
        if (finished || rtt[target][echo] >= 0) {
          return;
        }
        rtt[target][echo] = nanos;
        last = --outstanding == 0;
      }
      if (last) {
        finish();
      }
    }

    /** Ends the check without results: the engine stopped before its echoes were all in. */
    void abandon() {
      synchronized (this) {
        if (finished) {
          return;
        }
        finished = true;
      }
      failed.accept(new ProbeStoppedException("ICMP engine closed"));
    }

    void finish() {
      synchronized (this) {
        if (finished) {
          return;
        }
        finished = true;
      }
      Map<String, IcmpResult> results = new LinkedHashMap<>();
      String unavailable = broken;
      for (int i = 0; i < addresses.size(); i++) {
        if (unavailable != null) {
          // no reply could have been read: that says nothing about the site
          results.put(addresses.get(i), IcmpResult.unavailable(unavailable));
          continue;
        }
        double[] answers = new double[packets];
        int n = 0;
        synchronized (this) {
          for (int e = 0; e < packets; e++) {
            if (rtt[i][e] >= 0) {
              answers[n++] = rtt[i][e] / 1e9;
            }
          }
        }
        results.put(addresses.get(i), IcmpResult.measured(packets, Arrays.copyOf(answers, n)));
      }
      done.accept(results);
    }
  }

  /** An echo in flight: which check, target and echo it belongs to, and when it left. */
  private record Echo(Check check, int target, int echo, long sentNanos) {}

  /**
   * Something the sender does at {@code at}: send echo {@code echo} to {@code target} of {@code
   * check}; echo {@code packets} means "end the check"; a first event (target 0, echo 0) of a new
   * check is expanded into its echoes.
   */
  private record Event(long at, Check check, int target, int echo) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      return Long.compare(at, o.at);
    }
  }

  private void sendLoop() {
    byte[] packet = new byte[8 + PAYLOAD];
    double tokens = BURST;
    long refilled = System.nanoTime();
    try {
      while (!stopped) {
        synchronized (incoming) {
          for (Event e : incoming) {
            schedule(e.check, e.at);
          }
          incoming.clear();
        }
        long now = System.nanoTime();
        tokens = Math.min(BURST, tokens + (now - refilled) * (MAX_RATE / 1e9));
        refilled = now;
        Event next;
        while ((next = events.peek()) != null && next.at <= now) {
          if (next.echo == packets) {
            events.poll();
            end(next.check);
            continue;
          }
          if (tokens < 1) {
            break;
          }
          events.poll();
          tokens--;
          send(next, packet);
        }
        long wait;
        if (next == null) {
          wait = 100_000_000L;
        } else if (next.at > now) {
          wait = next.at - now;
        } else {
          wait = (long) ((1 - tokens) / MAX_RATE * 1e9); // out of tokens: the time for one
        }
        LockSupport.parkNanos(Math.max(wait, 1_000_000L));
      }
    } finally {
      // stopped: end what is in flight without a verdict, then let the receiver close the socket
      // (a sender that died of an error ends them with what they have, as before)
      Consumer<Check> ending = stopped ? Check::abandon : Check::finish;
      for (Event e : events) {
        ending.accept(e.check);
      }
      synchronized (incoming) {
        incoming.forEach(e -> ending.accept(e.check));
        incoming.clear();
      }
    }
  }

  /**
   * Lays out a new check's echoes: targets in groups of {@link #GROUP}, one group every {@link
   * #GROUP_GAP_NANOS} (1,000 echoes a second, like fping's {@code -i 1}), each target's echoes
   * {@code period} apart. Groups, not one target a millisecond: the sender wakes once per group,
   * and at 10,000 sites waking per echo cost more than the sending.
   */
  private void schedule(Check check, long start) {
    int n = check.addresses.size();
    for (int t = 0; t < n; t++) {
      long first = start + (t / GROUP) * GROUP_GAP_NANOS;
      for (int e = 0; e < packets; e++) {
        events.add(new Event(first + e * periodNanos, check, t, e));
      }
    }
    // the last echo leaves (packets-1) periods after the last group's first, then its timeout
    long end = start + ((n - 1) / GROUP) * GROUP_GAP_NANOS + (packets - 1) * periodNanos + timeoutNanos;
    events.add(new Event(end, check, 0, packets));
  }

  private void send(Event e, byte[] packet) {
    int seq = nextSequence;
    nextSequence = (nextSequence + 1) & 0xffff;
    Echo echo = new Echo(e.check, e.target, e.echo, System.nanoTime());
    Echo previous = inFlight.getAndSet(seq, echo);
    if (previous != null) {
      log.debug("ICMP sequence number reused while an echo was in flight seq={}", seq);
    }
    EchoPacket.request(packet, identifier, seq);
    if (!socket.send(packet, e.check.ipv4[e.target])) {
      inFlight.compareAndSet(seq, echo, null); // counted as lost, like an echo nobody answers
    }
  }

  /** Ends a check at its deadline: unanswered echoes are lost; their sequence numbers freed. */
  private void end(Check check) {
    for (int seq = 0; seq < inFlight.length(); seq++) {
      Echo e = inFlight.get(seq);
      if (e != null && e.check == check) {
        inFlight.compareAndSet(seq, e, null);
      }
    }
    check.finish();
  }

  private void receiveLoop() {
    byte[] buf = new byte[2048];
    byte[] source = new byte[4];
    boolean datagram = socket.datagram();
    try {
      while (!stopped) {
        int n = socket.receive(buf, source);
        long now = System.nanoTime();
        EchoPacket.Reply r =
            n <= 0 ? null : datagram ? EchoPacket.datagramReply(buf, n, source) : EchoPacket.reply(buf, n);
        // a datagram socket gets only replies to its own echoes, under the identifier the
        // kernel chose: there the sequence number alone tells them apart
        if (r == null || (!datagram && r.identifier() != identifier)) {
          continue;
        }
        Echo e = inFlight.get(r.sequence());
        if (e == null || !Arrays.equals(e.check.ipv4[e.target], r.source())) {
          continue; // not ours, late, or from another address than the one asked
        }
        if (inFlight.compareAndSet(r.sequence(), e, null)) {
          e.check.answered(e.target, e.echo, now - e.sentNanos);
        }
      }
    } catch (IOException | RuntimeException err) {
      if (!stopped) {
        broken = "ICMP replies cannot be read: " + err.getMessage();
        log.error("ICMP receiver stopped error=\"{}\"", err.getMessage());
      }
    } finally {
      socket.close();
    }
  }

  private static byte[] parse(String ipv4) {
    String[] parts = ipv4.split("\\.");
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      b[i] = (byte) Integer.parseInt(parts[i]);
    }
    return b;
  }
}
