package org.daitu.vcmon.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.daitu.vcmon.app.cluster.EventBusPeers;
import org.daitu.vcmon.app.cluster.OperatorWritesVerticle;
import org.daitu.vcmon.app.cluster.Peers;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.Transition;
import org.daitu.vcmon.store.SqliteStore;
import org.daitu.vcmon.testing.CuttablePeers;
import org.daitu.vcmon.testing.FakeMembers;
import org.daitu.vcmon.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two or three agents' operator writes (their admin, a real SQLite store each, the op
 * replication) on one Vert.x, joined by {@link EventBusPeers} over its event bus and a membership
 * the test decides: a write on one applies on the others, once, and members that were away or
 * cut off catch up when they come up.
 */
@ExtendWith(VertxExtension.class)
class OperatorWritesTest {
  static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Instant OPENED = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);

  @TempDir Path dir;
  Vertx vertx;
  FakeMembers members;
  final List<OpsAgent> agents = new ArrayList<>();

  /** One agent's worth: its store, its admin, its link to the others. */
  final class OpsAgent {
    final String vantage;
    final SqliteStore store;
    final EventBusPeers bus;
    final CuttablePeers peers;
    final AtomicInteger trackerChanges = new AtomicInteger();
    AgentAdmin admin;
    String deployment;

    OpsAgent(String vantage) {
      this.vantage = vantage;
      this.store = new SqliteStore(vertx, dir.resolve(vantage + ".db"));
      this.bus = new EventBusPeers(vertx, members.view(vantage));
      this.peers = new CuttablePeers(bus);
    }

    OpsAgent start() throws Exception {
      await(store.open());
      List<MaintenanceWindow> stored = await(store.load()).maintenance();
      admin =
          new AgentAdmin(
              store, Clock.systemUTC(), ZONE, stored,
              change -> {
                trackerChanges.incrementAndGet();
                return Future.succeededFuture();
              },
              null, vantage);
      deployment = await(vertx.deployVerticle(new OperatorWritesVerticle(peers, admin, Clock.systemUTC())));
      members.up(vantage);
      return this;
    }

    /** As SIGKILL would leave it, minus the crash: gone from the cluster, store closed. */
    void stop() throws Exception {
      members.down(vantage);
      await(vertx.undeploy(deployment));
      bus.close();
      await(store.close());
    }

    Optional<MaintenanceWindow> window(String uid) {
      return admin.maintenance().stream().filter(w -> uid.equals(w.uid())).findFirst();
    }

    Map<String, RolloutStage> stages() throws Exception {
      return await(store.load()).stages();
    }

    /** The combined transition every agent records: site DOWN at {@link #OPENED}. */
    Incident siteWentDown(String site, Instant at) throws Exception {
      Transition t = new Transition(site, SiteState.UP, SiteState.DOWN, at, "no answer", true, false);
      return await(store.record(List.of(t), Map.of())).get(0);
    }

    Incident incident(long id) throws Exception {
      return await(store.incident(id)).orElseThrow();
    }
  }

  @BeforeEach
  void cluster() {
    vertx = Vertx.vertx();
    members = new FakeMembers(vertx, "thai-nguyen");
  }

  @AfterEach
  void close() throws Exception {
    for (OpsAgent a : agents) {
      await(a.store.close());
    }
    await(vertx.close());
  }

  OpsAgent agent(String vantage) {
    OpsAgent a = new OpsAgent(vantage);
    agents.add(a);
    return a;
  }

  static MaintenanceWindow window(String site, String note) {
    Instant start = Instant.parse("2026-08-10T15:00:00Z");
    return MaintenanceWindow.oneOff(0, site, start, start.plusSeconds(3600), note, "api");
  }

  @Test
  void aWriteOnOneAgentAppliesOnTheOthers() throws Exception {
    OpsAgent tinh = agent("tinh").start();
    OpsAgent daiTu = agent("dai-tu").start();
    OpsAgent haThuong = agent("ha-thuong").start();
    Incident onTinh = tinh.siteWentDown("cat-ne", OPENED);
    Incident onDaiTu = daiTu.siteWentDown("cat-ne", OPENED);
    Incident onHaThuong = haThuong.siteWentDown("cat-ne", OPENED.plusSeconds(4)); // judged later

    MaintenanceWindow added = await(tinh.admin.addMaintenance(window("ha-thuong", "thay codec")));
    await(tinh.admin.setStage("ha-thuong", RolloutStage.COMMISSIONED));
    await(tinh.admin.acknowledge(onTinh.id(), "đã báo VNPT"));

    for (OpsAgent other : List.of(daiTu, haThuong)) {
      MaintenanceWindow copy =
          Poll.until(() -> other.window(added.uid()), Optional::isPresent, WAIT, other.vantage + " has the window")
              .orElseThrow();
      assertThat(copy.note()).isEqualTo("thay codec");
      assertThat(copy.start()).isEqualTo(added.start());
      assertThat(copy.source()).isEqualTo("api");
      Poll.until(() -> stages(other).get("ha-thuong") == RolloutStage.COMMISSIONED, WAIT, other.vantage + " has the stage");
    }
    Poll.until(() -> "đã báo VNPT".equals(note(daiTu, onDaiTu.id())), WAIT, "dai-tu acknowledged");
    Poll.until(() -> "đã báo VNPT".equals(note(haThuong, onHaThuong.id())), WAIT, "ha-thuong acknowledged");

    // Removed on another agent than the one that added it, by that agent's own id.
    long idOnDaiTu = daiTu.window(added.uid()).orElseThrow().id();
    assertThat(await(daiTu.admin.removeMaintenance(idOnDaiTu))).isTrue();
    Poll.until(() -> tinh.window(added.uid()).isEmpty() && haThuong.window(added.uid()).isEmpty(),
        WAIT, "the window removed everywhere");
    assertThat(await(tinh.store.load()).maintenance()).isEmpty();
  }

  @Test
  void aMemberThatWasAwayCatchesUpWhenItComesBack() throws Exception {
    OpsAgent tinh = agent("tinh").start();
    OpsAgent daiTu = agent("dai-tu").start();
    MaintenanceWindow before = await(tinh.admin.addMaintenance(window("cat-ne", "before")));
    Poll.until(() -> daiTu.window(before.uid()).isPresent(), WAIT, "dai-tu has the first window");
    Incident onDaiTu = daiTu.siteWentDown("ky-phu", OPENED);
    Incident onTinh = tinh.siteWentDown("ky-phu", OPENED);

    daiTu.stop();
    MaintenanceWindow meanwhile = await(tinh.admin.addMaintenance(window("ha-thuong", "meanwhile")));
    await(tinh.admin.removeMaintenance(tinh.window(before.uid()).orElseThrow().id()));
    await(tinh.admin.setStage("ha-thuong", RolloutStage.INSTALLED));
    await(tinh.admin.acknowledge(onTinh.id(), "mất điện"));

    OpsAgent restarted = agent("dai-tu");
    restarted.start();
    Poll.until(() -> restarted.window(meanwhile.uid()).isPresent(), WAIT, "the window added meanwhile");
    Poll.until(() -> restarted.window(before.uid()).isEmpty(), WAIT, "the window removed meanwhile is gone");
    Poll.until(() -> "mất điện".equals(note(restarted, onDaiTu.id())), WAIT, "the acknowledgement made meanwhile");
    Poll.until(() -> stages(restarted).get("ha-thuong") == RolloutStage.INSTALLED, WAIT, "the stage set meanwhile");

    // A member that joins for the first time gets everything that stands.
    OpsAgent newcomer = agent("ha-thuong").start();
    Poll.until(() -> newcomer.window(meanwhile.uid()).isPresent(), WAIT, "the newcomer has the window");
    assertThat(newcomer.window(before.uid())).isEmpty();
    Poll.until(() -> stages(newcomer).get("ha-thuong") == RolloutStage.INSTALLED, WAIT, "the newcomer has the stage");
  }

  @Test
  void anOpDeliveredTwiceIsAppliedOnce() throws Exception {
    OpsAgent tinh = agent("tinh").start();
    OpsAgent daiTu = agent("dai-tu").start();
    MaintenanceWindow added = await(tinh.admin.addMaintenance(window("cat-ne", "once")));
    Poll.until(() -> daiTu.window(added.uid()).isPresent(), WAIT, "dai-tu has the window");
    int changes = daiTu.trackerChanges.get();

    // The same op again: published by a third party, then in a catch-up after tinh "rejoins".
    JsonObject op =
        await(new EventBusPeers(vertx, members.view("replayer")).ask("tinh", OperatorWritesVerticle.SINCE, new JsonObject()))
            .getJsonArray("ops").getJsonObject(0);
    Peers replayer = new EventBusPeers(vertx, members.view("replayer-2"));
    replayer.publish(OperatorWritesVerticle.TOPIC, op);
    replayer.publish(OperatorWritesVerticle.TOPIC, op);
    members.up("tinh");
    MaintenanceWindow again = await(daiTu.admin.addMaintenance(window("ky-phu", "marker")));
    Poll.until(() -> tinh.window(again.uid()).isPresent(), WAIT, "tinh has the marker window");
    Thread.sleep(500); // the catch-up after "tinh up" has had its time

    assertThat(daiTu.admin.maintenance()).filteredOn(w -> added.uid().equals(w.uid())).hasSize(1);
    assertThat(await(daiTu.store.load()).maintenance()).hasSize(2);
    assertThat(daiTu.trackerChanges.get()).isEqualTo(changes + 1); // the marker only
  }

  @Test
  void aPartitionIsHealedByTheCatchUpWhenTheMembersSeeEachOtherAgain() throws Exception {
    OpsAgent tinh = agent("tinh").start();
    OpsAgent daiTu = agent("dai-tu").start();
    tinh.peers.cut(true);
    daiTu.peers.cut(true);
    // Each side sees the other leave.
    members.down("dai-tu");
    members.down("tinh");
    MaintenanceWindow onTinh = await(tinh.admin.addMaintenance(window("cat-ne", "tinh side")));
    MaintenanceWindow onDaiTu = await(daiTu.admin.addMaintenance(window("ky-phu", "dai-tu side")));
    await(tinh.admin.setStage("ha-thuong", RolloutStage.INSTALLED));
    Thread.sleep(100);
    await(daiTu.admin.setStage("ha-thuong", RolloutStage.CONNECTED)); // the later write
    Thread.sleep(500);
    assertThat(daiTu.window(onTinh.uid())).isEmpty();
    assertThat(tinh.window(onDaiTu.uid())).isEmpty();

    tinh.peers.cut(false);
    daiTu.peers.cut(false);
    members.up("tinh");
    members.up("dai-tu");

    for (OpsAgent a : List.of(tinh, daiTu)) {
      Poll.until(() -> a.window(onTinh.uid()).isPresent() && a.window(onDaiTu.uid()).isPresent(),
          WAIT, a.vantage + " has both sides' windows");
      Poll.until(() -> stages(a).get("ha-thuong") == RolloutStage.CONNECTED, WAIT, a.vantage + " has the later stage");
    }
  }

  static Map<String, RolloutStage> stages(OpsAgent a) {
    try {
      return a.stages();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String note(OpsAgent a, long incidentId) {
    try {
      return a.incident(incidentId).ackNote();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
