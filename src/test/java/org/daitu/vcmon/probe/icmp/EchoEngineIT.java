package org.daitu.vcmon.probe.icmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.ProbeStoppedException;
import org.daitu.vcmon.testing.HostTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EchoEngine} against the kernel's own echo replies, on loopback only; needs root (a raw
 * socket). A silent address is made silent for real by an nftables table of this test
 * ({@value #NFT_TABLE}), removed afterwards.
 */
class EchoEngineIT {
  private static final String NFT_TABLE = "vcmon_it_echo";
  private static final String SILENT = "127.66.3.1";
  private static final int PACKETS = 3;
  private static final Duration PERIOD = Duration.ofMillis(100);
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  private static boolean silentReady;

  private Vertx vertx;
  private EchoEngine engine;
  private final List<List<String>> fallbackCalls = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void silentAddress() throws Exception {
    HostTools.requireRoot("a raw ICMP socket needs CAP_NET_RAW");
    Process nft =
        new ProcessBuilder(
                "nft",
                "add table ip " + NFT_TABLE + " ; "
                    + "add chain ip " + NFT_TABLE + " input { type filter hook input priority 0 ; policy accept ; } ; "
                    + "add rule ip " + NFT_TABLE + " input ip daddr " + SILENT + " drop")
            .redirectErrorStream(true)
            .start();
    silentReady = nft.waitFor(10, TimeUnit.SECONDS) && nft.exitValue() == 0;
  }

  @AfterAll
  static void removeTable() throws Exception {
    if (silentReady) {
      new ProcessBuilder("nft", "delete", "table", "ip", NFT_TABLE).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @BeforeEach
  void start() throws IOException {
    vertx = Vertx.vertx();
    IcmpProbe fallback =
        addresses -> {
          fallbackCalls.add(List.copyOf(addresses));
          Map<String, IcmpResult> r = new LinkedHashMap<>();
          addresses.forEach(a -> r.put(a, IcmpResult.measured(PACKETS, new double[] {0.001})));
          return Future.succeededFuture(r);
        };
    engine =
        EchoEngine.open(vertx, new AgentConfig.Icmp(PACKETS, PERIOD, "fping", 500, AgentConfig.IcmpEngine.SOCKET),
            TIMEOUT, fallback);
  }

  @AfterEach
  void stop() throws Exception {
    engine.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Map<String, IcmpResult> ping(List<String> addresses) throws Exception {
    CompletableFuture<Map<String, IcmpResult>> out = new CompletableFuture<>();
    Context ctx = vertx.getOrCreateContext();
    ctx.runOnContext(
        v ->
            engine
                .ping(addresses)
                .onComplete(
                    ar -> {
                      if (Vertx.currentContext() != ctx) {
                        out.completeExceptionally(new AssertionError("completed off the caller's context"));
                      } else if (ar.failed()) {
                        out.completeExceptionally(ar.cause());
                      } else {
                        out.complete(ar.result());
                      }
                    }));
    return out.get(20, TimeUnit.SECONDS);
  }

  @Test
  void everyEchoToAnAnsweringAddressComesBackWithItsRoundTripTime() throws Exception {
    Map<String, IcmpResult> r = ping(List.of("127.0.0.1", "127.66.3.2"));
    assertThat(r).containsOnlyKeys("127.0.0.1", "127.66.3.2");
    for (IcmpResult one : r.values()) {
      assertThat(one.available()).isTrue();
      assertThat(one.sent()).isEqualTo(PACKETS);
      assertThat(one.received()).isEqualTo(PACKETS);
      assertThat(one.rttAvgSeconds()).isGreaterThan(0).isLessThan(0.5);
      assertThat(one.lossRatio()).isZero();
    }
  }

  @Test
  void aSilentAddressLosesEveryEchoAndTheCheckEndsAtItsTimeout() throws Exception {
    HostTools.require("nft");
    assertThat(silentReady).as("nftables table that makes " + SILENT + " silent added").isTrue();
    long t0 = System.nanoTime();
    Map<String, IcmpResult> r = ping(List.of(SILENT, "127.66.3.3"));
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.get(SILENT).available()).isTrue();
    assertThat(r.get(SILENT).received()).isZero();
    assertThat(r.get(SILENT).lossRatio()).isEqualTo(1.0);
    assertThat(r.get("127.66.3.3").received()).isEqualTo(PACKETS);
    // last echo (2 periods) plus the timeout, not much more
    assertThat(millis).isBetween(650L, 5_000L);
  }

  @Test
  void aThousandAddressesAtOnceAreAllMatchedToTheirOwnReplies() throws Exception {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      many.add("127.66." + (10 + i / 250) + "." + (i % 250 + 1));
    }
    Map<String, IcmpResult> r = ping(many);
    assertThat(r).hasSize(1000);
    assertThat(r.values()).allSatisfy(one -> assertThat(one.received()).isEqualTo(PACKETS));
  }

  @Test
  void hostNamesAndIpv6GoToTheFallbackAndTheResultsAreMerged() throws Exception {
    Map<String, IcmpResult> r = ping(List.of("127.0.0.1", "localhost", "::1"));
    assertThat(fallbackCalls).containsExactly(List.of("localhost", "::1"));
    assertThat(r).containsOnlyKeys("127.0.0.1", "localhost", "::1");
    assertThat(r.get("localhost").rttAvgSeconds()).isEqualTo(0.001);
    assertThat(r.get("127.0.0.1").received()).isEqualTo(PACKETS);
  }

  @Test
  void closingTheEngineUnderACheckGivesNoVerdictRatherThanLostEchoes() throws Exception {
    HostTools.require("nft");
    assertThat(silentReady).as("nftables table that makes " + SILENT + " silent added").isTrue();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    Context ctx = vertx.getOrCreateContext();
    ctx.runOnContext(
        v -> engine.ping(List.of(SILENT, "127.0.0.1")).onComplete(ar -> ended.complete(ar.cause())));
    Thread.sleep(150); // echoes out, the silent one unanswered
    engine.close();

    assertThat(ended.get(5, TimeUnit.SECONDS))
        .as("closed under the check: no result, not 'every echo lost'")
        .isInstanceOf(ProbeStoppedException.class);
    CompletableFuture<Throwable> after = new CompletableFuture<>();
    ctx.runOnContext(v -> engine.ping(List.of("127.0.0.1")).onComplete(ar -> after.complete(ar.cause())));
    assertThat(after.get(5, TimeUnit.SECONDS)).isInstanceOf(ProbeStoppedException.class);
  }
}
