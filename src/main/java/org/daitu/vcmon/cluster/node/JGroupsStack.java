package org.daitu.vcmon.cluster.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import org.daitu.vcmon.config.AgentConfig;
import org.jgroups.protocols.ASYM_ENCRYPT;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.SSL_KEY_EXCHANGE;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.jgroups.util.DefaultSocketFactory;

/**
 * The JGroups protocol stack of a vcmon cluster, built in code from {@code cluster:} rather than
 * from an XML file, so that nothing but the config decides where it binds and whom it trusts.
 * Bottom to top:
 *
 * <ul>
 *   <li><b>TCP</b> on {@code cluster.listen}, TLS on every connection with client certificates
 *       ({@link ClusterTls}): a node without a certificate from the cluster's CA cannot open a
 *       connection, so it cannot even ask to join. No multicast anywhere (JGroups' diagnostics,
 *       which would listen on multicast, are off).
 *   <li><b>TCPPING</b>: the static member list {@code cluster.members}, no port range.
 *   <li><b>MERGE3</b>: after a partition heals, the two sides merge into one view.
 *   <li><b>FD_ALL3 + VERIFY_SUSPECT2</b>: failure detection, see {@link #HEARTBEAT_INTERVAL}.
 *   <li><b>SSL_KEY_EXCHANGE + ASYM_ENCRYPT</b>: the group key is handed out by the coordinator over
 *       a TLS connection with client certificates (on {@code listen port + 2}), and every message
 *       is encrypted with it; it changes whenever a member leaves. With TLS below this is a second
 *       lock; on its own it would not be enough: SSL_KEY_EXCHANGE only guards the key, a joining
 *       node's join request passes unencrypted and the coordinator adds it to the view before it
 *       fails to fetch the key (it is then suspected and removed seconds later).
 *   <li>NAKACK2, UNICAST3, STABLE (reliable delivery), <b>GMS</b> (views; join timeout
 *       {@link #JOIN_TIMEOUT}), UFC, MFC (flow control), FRAG4 (fragmentation).
 * </ul>
 *
 * The channel's cluster name is {@code cluster.name}: JGroups drops messages of another cluster,
 * so two vcmon clusters never merge, even over a shared member list.
 */
final class JGroupsStack {
  /**
   * Failure detection. Every member sends a heartbeat every second; a member not heard from for
   * {@link #SUSPECT_AFTER} (six missed heartbeats, or no other traffic) is suspected, asked once
   * more for {@link #VERIFY_TIMEOUT}, then removed from the view by the coordinator. A killed
   * agent thus leaves every other agent's view within about 6 + 2 s plus the view change, well
   * inside the 15 s the duties of an agent may take to move (issue 13).
   *
   * <p>The trade-off: a WAN link that carries nothing for 6 s (a loaded uplink, TCP
   * retransmissions on a lossy rural link) makes the member look dead. It is then removed and
   * merges back when it is heard again (MERGE3), and for that time both sides work alone: they
   * keep probing, and later work lets each send the alerts of the sites it then owns. Longer
   * values hide short outages of a member and move its duties later.
   */
  static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

  static final Duration SUSPECT_AFTER = Duration.ofSeconds(6);
  static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(2);
  /** How long a starting agent waits for a coordinator to answer before it forms a view alone. */
  static final Duration JOIN_TIMEOUT = Duration.ofSeconds(3);
  /** How often the members look for another view of their cluster to merge with. */
  static final Duration MERGE_MIN = Duration.ofSeconds(2);

  static final Duration MERGE_MAX = Duration.ofSeconds(8);
  /** A connection to a member that does not answer is given up after this. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /** The event bus listens here, relative to {@code cluster.listen}'s port. */
  static final int EVENT_BUS_PORT_OFFSET = 1;
  /** The key exchange listens here (on the coordinator), relative to {@code cluster.listen}'s port. */
  static final int KEY_EXCHANGE_PORT_OFFSET = 2;

  private JGroupsStack() {}

  /** The protocols, transport first, as {@code new JChannel(List)} takes them. */
  static List<Protocol> protocols(AgentConfig.Cluster cluster, SSLContext transportTls, SSLContext keyExchangeTls)
      throws UnknownHostException {
    InetAddress bind = InetAddress.getByName(cluster.listen().host());
    TCP tcp = new TCP();
    tcp.setBindAddr(bind);
    // Connections to members leave from the listen address too (not whatever the route picks),
    // so firewalls and the members' logs see one address per agent.
    tcp.setClientBindAddr(bind);
    tcp.setBindPort(cluster.listen().port());
    tcp.setPortRange(0);
    tcp.setSockConnTimeout((int) CONNECT_TIMEOUT.toMillis());
    tcp.setSocketFactory(socketFactory(transportTls));

    List<InetSocketAddress> hosts = new ArrayList<>();
    for (AgentConfig.HostPort m : cluster.members()) {
      hosts.add(new InetSocketAddress(InetAddress.getByName(m.host()), m.port()));
    }
    TCPPING ping = new TCPPING();
    ping.setInitialHosts(hosts);
    ping.setPortRange(0);

    SSL_KEY_EXCHANGE keyExchange =
        new SSL_KEY_EXCHANGE()
            .setBindAddress(bind)
            .setPort(cluster.listen().port() + KEY_EXCHANGE_PORT_OFFSET)
            .setPortRange(0)
            .setRequireClientAuthentication(true)
            .setClientSSLContext(keyExchangeTls)
            .setServerSSLContext(keyExchangeTls);

    ASYM_ENCRYPT encrypt = new ASYM_ENCRYPT().setUseExternalKeyExchange(true).setChangeKeyOnLeave(true);

    List<Protocol> stack = new ArrayList<>();
    stack.add(tcp);
    stack.add(ping);
    stack.add(new MERGE3().setMinInterval(MERGE_MIN.toMillis()).setMaxInterval(MERGE_MAX.toMillis()));
    stack.add(new FD_ALL3().setTimeout(SUSPECT_AFTER.toMillis()).setInterval(HEARTBEAT_INTERVAL.toMillis()));
    stack.add(new VERIFY_SUSPECT2().setTimeout(VERIFY_TIMEOUT.toMillis()));
    stack.add(keyExchange);
    stack.add(encrypt);
    stack.add(new NAKACK2().useMcastXmit(false));
    stack.add(new UNICAST3());
    stack.add(new STABLE());
    // No banner on stdout: Members logs the join as one line.
    stack.add(new GMS().setJoinTimeout(JOIN_TIMEOUT.toMillis()).printLocalAddress(false));
    stack.add(new UFC());
    stack.add(new MFC());
    stack.add(new FRAG4());
    return stack;
  }

  /** Client and server sockets over TLS; a server socket requires the client's certificate. */
  private static DefaultSocketFactory socketFactory(SSLContext tls) {
    DefaultSocketFactory factory = new DefaultSocketFactory(tls);
    factory.setServerSocketConfigurator(
        s -> {
          SSLParameters p = ((SSLServerSocket) s).getSSLParameters();
          p.setNeedClientAuth(true);
          ((SSLServerSocket) s).setSSLParameters(p);
        });
    return factory;
  }
}
