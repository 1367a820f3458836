package org.daitu.vcmon.probe.icmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.probe.IcmpMethod;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.IcmpResult;
import org.junit.jupiter.api.Test;

class ChosenIcmpTest {
  private static final String NOT_FOUND = "fping not found: \"fping\" (install the fping package or set probe.icmp.fping)";

  /** Answers every address with {@code result}, and says {@code reason} is why it cannot ping. */
  private static IcmpProbe answering(IcmpResult result, String reason) {
    return new IcmpProbe() {
      @Override
      public Future<Map<String, IcmpResult>> ping(Collection<String> addresses) {
        Map<String, IcmpResult> m = new LinkedHashMap<>();
        addresses.forEach(a -> m.put(a, result));
        return Future.succeededFuture(m);
      }

      @Override
      public String unavailableReason() {
        return reason;
      }
    };
  }

  @Test
  void withNoWayLeftFpingsNotFoundBecomesEveryWayTried() {
    IcmpMethod none = new IcmpMethod(IcmpMethod.Kind.NONE, "no way to ping: " + NOT_FOUND + "; raw refused; datagram refused");
    ChosenIcmp probe = new ChosenIcmp(answering(IcmpResult.unavailable(NOT_FOUND), NOT_FOUND), none, NOT_FOUND);
    Map<String, IcmpResult> r = probe.ping(List.of("127.0.0.1")).result();
    assertThat(r.get("127.0.0.1").unavailableReason()).isEqualTo(none.why());
    assertThat(probe.unavailableReason()).isEqualTo(none.why());
    assertThat(probe.method()).isEqualTo(none);
  }

  @Test
  void otherReasonsAndAnyOtherMethodPassThrough() {
    IcmpMethod none = new IcmpMethod(IcmpMethod.Kind.NONE, "no way to ping: ...");
    String killed = "fping was killed by signal 9";
    ChosenIcmp fpingNowInstalled = new ChosenIcmp(answering(IcmpResult.unavailable(killed), killed), none, NOT_FOUND);
    assertThat(fpingNowInstalled.ping(List.of("a")).result().get("a").unavailableReason()).isEqualTo(killed);
    assertThat(fpingNowInstalled.unavailableReason()).isEqualTo(killed);

    IcmpMethod raw = new IcmpMethod(IcmpMethod.Kind.RAW_SOCKET, NOT_FOUND);
    IcmpResult measured = IcmpResult.measured(2, new double[] {0.001, 0.002});
    ChosenIcmp engine = new ChosenIcmp(answering(measured, null), raw, NOT_FOUND);
    assertThat(engine.ping(List.of("a")).result().get("a")).isEqualTo(measured);
    assertThat(engine.unavailableReason()).isNull();
    assertThat(engine.method().kind().label()).isEqualTo("raw socket");
  }
}
