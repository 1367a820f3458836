package org.daitu.vcmon;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.time.Clock;
import java.util.function.UnaryOperator;
import org.daitu.vcmon.app.AgentParts;
import org.daitu.vcmon.cluster.MemberView;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.output.alert.Channels;
import org.daitu.vcmon.probe.IcmpMethod;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.icmp.ChosenIcmp;
import org.daitu.vcmon.probe.icmp.EchoEngine;
import org.daitu.vcmon.probe.icmp.FpingProbe;
import org.daitu.vcmon.probe.snmp.Snmp4jProbe;
import org.daitu.vcmon.store.SqliteStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the one place that chooses the real implementations (the SQLite store,
 * fping or the in-process ICMP engine, SNMP4J, the configured channels) and hands them to
 * {@link org.daitu.vcmon.app.Agent}, which only wires them.
 */
public final class Assembly {
  private static final Logger log = LoggerFactory.getLogger(Assembly.class);

  private Assembly() {}

  /** The real parts for a config on the system clock. */
  public static AgentParts real(Vertx vertx, AgentConfig config) {
    return real(vertx, config, Clock.systemUTC(), UnaryOperator.identity());
  }

  /** The real parts of one agent of a cluster, on the system clock. */
  public static AgentParts real(Vertx vertx, AgentConfig config, MemberView cluster) {
    AgentParts p = real(vertx, config);
    return new AgentParts(p.clock(), p.store(), p.icmp(), p.snmp(), p.channels(), cluster);
  }

  /**
   * @param links put in front of the real ICMP probe (the demo's simulated links); identity
   *     otherwise
   */
  public static AgentParts real(Vertx vertx, AgentConfig config, Clock clock, UnaryOperator<IcmpProbe> links) {
    SqliteStore store = new SqliteStore(vertx, config.store().path());
    return new AgentParts(
        clock,
        store,
        links.apply(icmp(vertx, config)),
        new Snmp4jProbe(vertx, config.snmpProfiles(), config.probe().timeout(), config.probe().snmp()),
        Channels.fromConfig(vertx, WebClient.create(vertx), config.alerts(), store, clock));
  }

  /**
   * The ICMP probe the config asks for and this machine allows ({@link IcmpMethod#decide}): fping,
   * or the in-process engine over a raw or a datagram ICMP socket, with fping for what the
   * engine does not ping (host names, IPv6). The choice and why are logged here and shown by the
   * API and /readyz.
   */
  static IcmpProbe icmp(Vertx vertx, AgentConfig config) {
    AgentConfig.Icmp cfg = config.probe().icmp();
    FpingProbe fping = new FpingProbe(vertx, cfg, config.probe().timeout());
    String fpingMissing = fping.missing();
    EchoEngine[] opened = new EchoEngine[1];
    IcmpMethod method =
        IcmpMethod.decide(
            cfg.engine(),
            fpingMissing,
            () -> tryOpen(() -> EchoEngine.open(vertx, cfg, config.probe().timeout(), fping), opened),
            () -> tryOpen(() -> EchoEngine.openDatagram(vertx, cfg, config.probe().timeout(), fping), opened));
    switch (method.kind()) {
      case NONE -> log.warn("ICMP method=none, sites will be UNKNOWN reason=\"{}\"", method.why());
      case FPING -> log.info("ICMP method=fping why=\"{}\"", method.why());
      default -> log.info("ICMP method=\"{}\" why=\"{}\"", method.kind().label(), method.why());
    }
    IcmpProbe probe = opened[0] != null ? opened[0] : fping;
    return new ChosenIcmp(probe, method, fpingMissing);
  }

  private interface Opener {
    EchoEngine open() throws IOException;
  }

  /** Opens an engine into {@code into}; null when it opened, else why not. */
  private static String tryOpen(Opener opener, EchoEngine[] into) {
    try {
      into[0] = opener.open();
      return null;
    } catch (IOException e) {
      return e.getMessage();
    }
  }
}
