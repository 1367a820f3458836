package org.daitu.vcmon.probe.trap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteType;
import org.junit.jupiter.api.Test;

/** The receiver on a loopback socket: a port taken, and the known senders following a reload. */
class TrapReceiverTest {
  private final BlockingQueue<TrapResult> results = new LinkedBlockingQueue<>();
  private final TrapReceiver.Listener listener =
      new TrapReceiver.Listener() {
        @Override
        public void received(TrapResult result) {
          results.add(result);
        }

        @Override
        public void hint(Hint hint) {}
      };

  private static Inventory sitesAt(String... addresses) {
    return new Inventory(
        Arrays.stream(addresses)
            .map(a -> new Site("s-" + a, null, a, SiteType.NETWORK, a, null, null, RolloutStage.CONNECTED, null))
            .toList());
  }

  private TrapReceiver receiver(int port, Inventory inventory) {
    return new TrapReceiver("127.0.0.1", port, Secret.of("c"), List.of(), inventory, listener, Clock.systemUTC());
  }

  @Test
  void aPortAlreadyTakenIsReportedWithTheKey() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      TrapReceiver r = receiver(taken.getLocalPort(), sitesAt("127.0.0.1"));
      IOException e = catchThrowableOfType(IOException.class, r::open);
      assertThat(e).isNotNull();
      assertThat(e.getMessage()).contains("127.0.0.1:" + taken.getLocalPort()).contains("traps.listen");
    }
  }

  @Test
  void aReloadedInventoryDecidesWhoMaySend() throws Exception {
    TrapReceiver r = receiver(0, sitesAt("127.0.0.9"));
    r.open();
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      send(s, r.port());
      assertThat(results.poll(5, TimeUnit.SECONDS)).isEqualTo(TrapResult.UNKNOWN_SOURCE);
      r.inventory(sitesAt("127.0.0.1"));
      send(s, r.port());
      assertThat(results.poll(5, TimeUnit.SECONDS)).isEqualTo(TrapResult.MALFORMED);
    } finally {
      r.close();
    }
    assertThat(r.port()).isEqualTo(-1);
  }

  private static void send(DatagramSocket s, int port) throws IOException {
    byte[] junk = {1, 2, 3};
    s.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), port));
  }
}
