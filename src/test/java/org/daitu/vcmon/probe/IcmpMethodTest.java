package org.daitu.vcmon.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.daitu.vcmon.config.AgentConfig.IcmpEngine;
import org.daitu.vcmon.probe.IcmpMethod.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IcmpMethodTest {
  private static final String NO_FPING = "fping not found";
  private static final String NO_RAW = "raw refused";
  private static final String NO_DGRAM = "datagram refused";

  static Stream<Arguments> table() {
    return Stream.of(
        // engine, fping missing, raw problem, datagram problem -> kind, why, sockets tried
        Arguments.of(IcmpEngine.FPING, null, null, null, Kind.FPING, "probe.icmp.engine: fping", ""),
        Arguments.of(IcmpEngine.FPING, NO_FPING, null, null, Kind.RAW_SOCKET, NO_FPING, "raw"),
        Arguments.of(IcmpEngine.FPING, NO_FPING, NO_RAW, null, Kind.DATAGRAM_SOCKET, NO_FPING + "; " + NO_RAW, "raw datagram"),
        Arguments.of(IcmpEngine.FPING, NO_FPING, NO_RAW, NO_DGRAM, Kind.NONE,
            "no way to ping: " + NO_FPING + "; " + NO_RAW + "; " + NO_DGRAM, "raw datagram"),
        Arguments.of(IcmpEngine.SOCKET, null, null, null, Kind.RAW_SOCKET, "probe.icmp.engine: socket", "raw"),
        Arguments.of(IcmpEngine.SOCKET, NO_FPING, null, null, Kind.RAW_SOCKET, "probe.icmp.engine: socket", "raw"),
        Arguments.of(IcmpEngine.SOCKET, null, NO_RAW, null, Kind.FPING, NO_RAW, "raw"),
        Arguments.of(IcmpEngine.SOCKET, NO_FPING, NO_RAW, null, Kind.DATAGRAM_SOCKET, NO_RAW + "; " + NO_FPING, "raw datagram"),
        Arguments.of(IcmpEngine.SOCKET, NO_FPING, NO_RAW, NO_DGRAM, Kind.NONE,
            "no way to ping: " + NO_RAW + "; " + NO_FPING + "; " + NO_DGRAM, "raw datagram"));
  }

  @ParameterizedTest
  @MethodSource("table")
  void choosesTheFirstWayThatWorksAndSaysWhy(
      IcmpEngine engine, String fpingMissing, String raw, String datagram, Kind kind, String why, String tried) {
    List<String> opened = new ArrayList<>();
    IcmpMethod m = IcmpMethod.decide(engine, fpingMissing, attempt("raw", raw, opened), attempt("datagram", datagram, opened));
    assertThat(m.kind()).isEqualTo(kind);
    assertThat(m.why()).isEqualTo(why);
    assertThat(String.join(" ", opened)).as("sockets opened, only when needed").isEqualTo(tried);
  }

  private static Supplier<String> attempt(String name, String problem, List<String> opened) {
    return () -> {
      opened.add(name);
      return problem;
    };
  }
}
