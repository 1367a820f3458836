package org.daitu.vcmon.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.testing.ApiClient;
import org.daitu.vcmon.testing.ClusterAgents;
import org.daitu.vcmon.testing.ClusterAgents.Agent;
import org.daitu.vcmon.testing.FleetSite;
import org.daitu.vcmon.testing.FleetVantage;
import org.daitu.vcmon.testing.HostTools;
import org.daitu.vcmon.testing.NetnsFleet;
import org.daitu.vcmon.testing.PackagedAgent;
import org.daitu.vcmon.testing.Poll;
import org.daitu.vcmon.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several agents, each a JVM of the packaged jar in its own network namespace with its own path
 * to 30 namespaced sites behind the core (issue 13's test bed): two agents see every site UP and
 * list each other; a cut path and a partition change exactly the paths they name, and the
 * agents' views split and merge again; a third agent joins; a SIGKILLed agent leaves the others'
 * view and rejoins when restarted; the agents' notifications reach a webhook receiver in the root
 * namespace; an agent with a certificate from another CA never gets in. The agents live through the whole class (JVM starts are the
 * cost); each test leaves the fleet without faults.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VantagesIT {
  static final int SITES = 30;
  /** The 30 sites and the core. */
  static final int WATCHED = SITES + 1;

  static final Duration START_LIMIT = Duration.ofSeconds(120);
  /** The duties of a killed or cut-off agent move within this (issue 13). */
  static final Duration LEAVE_LIMIT = Duration.ofSeconds(15);

  static final Duration MERGE_LIMIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  NetnsFleet fleet;
  WebhookReceiver hooks;
  ClusterAgents cluster;
  final Map<String, String> figures = new LinkedHashMap<>();

  @BeforeAll
  void fleetAndTwoAgents() throws Exception {
    PackagedAgent.requireBuilt();
    HostTools.requireAvailable(NetnsFleet.unavailableReason());
    long t0 = System.nanoTime();
    fleet = NetnsFleet.up(SITES, 4); // three members and one agent of another CA
    figures.put("fleet of 30 sites and 4 vantages up", seconds(t0));
    hooks = WebhookReceiver.start(fleet.rootAddress());
    cluster = ClusterAgents.in(fleet, dir).agents(3).webhook(hooks.url()).withForeignAgent().prepare();
    cluster.agent(1).start();
    cluster.agent(2).start();
  }

  @AfterAll
  void tearDown() {
    try {
      if (cluster != null) {
        cluster.close();
      }
      if (hooks != null) {
        hooks.close();
      }
    } finally {
      if (fleet != null) {
        fleet.close();
      }
      System.out.println("VantagesIT figures: " + figures);
    }
  }

  @AfterEach
  void noFaultsLeft() {
    for (FleetVantage v : fleet.vantages()) {
      fleet.sites().forEach(s -> fleet.restoreVantagePath(v.index(), s.index()));
      for (FleetVantage w : fleet.vantages()) {
        if (w.index() > v.index()) {
          fleet.heal(v.index(), w.index());
        }
      }
    }
  }

  @Test
  @Order(1)
  void twoAgentsSeeEverySiteUpThroughTheirOwnPathsAndListEachOther() throws Exception {
    long t0 = System.nanoTime();
    for (Agent a : List.of(cluster.agent(1), cluster.agent(2))) {
      double t = a.api().waitFor(a.vantage() + " sees 30 sites and the core UP", START_LIMIT,
          body -> ApiClient.count(body, "UP") == WATCHED);
      figures.put(a.vantage() + ": all UP after start", String.format("%.1f s", t));
    }
    double joined = cluster.awaitMembers(START_LIMIT);
    figures.put("two agents list each other", seconds(t0));
    for (Agent a : List.of(cluster.agent(1), cluster.agent(2))) {
      JsonObject body = a.cluster();
      assertThat(body.getString("name")).isEqualTo(ClusterAgents.CLUSTER_NAME);
      assertThat(body.getString("self")).isEqualTo(a.vantage());
      assertThat(a.upMembers()).containsExactly("dai-tu", "tinh");
      assertThat(ApiClient.site(a.api().sites(), NetnsFleet.CORE_ID).orElseThrow().getString("state"))
          .isEqualTo("UP");
    }
    assertThat(joined).isLessThan(START_LIMIT.toSeconds());
  }

  @Test
  @Order(2)
  void aCutPathSilencesOneSiteForOneVantageOnly() throws Exception {
    FleetSite site = fleet.sites().get(6);
    fleet.cutVantagePath(1, site.index());
    assertThat(fleet.answersPing(1, site.address())).as("from vcmt-v1 (tinh)").isFalse();
    assertThat(fleet.answersPing(2, site.address())).as("from vcmt-v2 (dai-tu)").isTrue();
    assertThat(fleet.answersPing(1, fleet.sites().get(7).address())).as("a neighbour from v1").isTrue();
    try {
      int before = hooks.requests().size();
      // tinh's own verdict goes DOWN; the combined state stays UP on both agents, naming tinh.
      for (Agent a : List.of(cluster.agent(1), cluster.agent(2))) {
        Poll.until(() -> vantageState(a, site.id(), "tinh"), "DOWN"::equals, Duration.ofSeconds(30),
            Duration.ofMillis(250), a.vantage() + " has tinh's DOWN verdict on " + site.id());
        JsonObject seen = siteOn(a, site.id());
        assertThat(seen.getString("state")).as("%s on %s", site.id(), a.vantage()).isEqualTo("UP");
        assertThat(seen.getString("reason")).contains("not reachable from tinh (DOWN since ");
        assertThat(seen.getJsonObject("vantages").getJsonObject("dai-tu").getString("state")).isEqualTo("UP");
      }
      PackagedAgent.sleep(5000); // a digest window and more: anything announced would be out
      assertThat(hooks.requests().subList(before, hooks.requests().size()))
          .as("no notification for a path cut from one vantage").isEmpty();
    } finally {
      fleet.restoreVantagePath(1, site.index());
    }
    assertThat(fleet.answersPing(1, site.address())).as("from vcmt-v1 once restored").isTrue();
  }

  @Test
  @Order(3)
  void aPartitionSplitsTheAgentsViewsAndTheyMergeWhenItHeals() throws Exception {
    Agent tinh = cluster.agent(1);
    Agent daiTu = cluster.agent(2);
    cluster.awaitMembers(MERGE_LIMIT);
    long t0 = System.nanoTime();
    fleet.partition(1, 2);
    assertThat(fleet.answersPing(1, daiTu.point().address())).as("v1 -> v2 cut").isFalse();
    assertThat(fleet.answersPing(2, fleet.rootAddress())).as("v2 still reaches the root").isTrue();
    for (Agent a : List.of(tinh, daiTu)) {
      Poll.until(a::upMembers, List.of(a.vantage())::equals, LEAVE_LIMIT.plusSeconds(5),
          Duration.ofMillis(250), a.vantage() + " alone in its view");
    }
    figures.put("partition: each agent alone after", seconds(t0));
    // Each side keeps alerting for what it sees: a site cut now is announced by both, one key.
    FleetSite site = fleet.sites().get(20);
    fleet.fail(site.index());
    try {
      Poll.until(() -> downKeys(site.id()).values().stream().mapToLong(Long::longValue).sum(), n -> n >= 2,
          Duration.ofSeconds(60), Duration.ofMillis(250), "both sides announce " + site.id());
    } finally {
      fleet.recover(site.index());
    }
    Map<String, Long> keys = downKeys(site.id());
    figures.put("partition: DOWN deliveries per key of a site cut meanwhile", keys.toString());
    assertThat(keys).as("both sides' DOWN of %s carry one key", site.id()).hasSize(1);
    long t1 = System.nanoTime();
    fleet.heal(1, 2);
    cluster.awaitMembers(MERGE_LIMIT);
    figures.put("healed: both views whole again after", seconds(t1));
    for (Agent a : List.of(tinh, daiTu)) {
      a.api().waitFor(a.vantage() + " sees every site UP again", START_LIMIT,
          body -> ApiClient.count(body, "UP") == WATCHED);
    }
    Poll.until(() -> owners(site.id()), o -> o.size() == 1, Duration.ofSeconds(30), Duration.ofMillis(250),
        "one owner of " + site.id() + " on both agents again");
  }

  @Test
  @Order(4)
  void aThirdAgentJoinsAndSeesEverySiteUp() throws Exception {
    Agent third = cluster.agent(3);
    long t0 = System.nanoTime();
    third.start();
    third.api().waitFor("phu-luong sees 30 sites and the core UP", START_LIMIT,
        body -> ApiClient.count(body, "UP") == WATCHED);
    cluster.awaitMembers(START_LIMIT);
    figures.put("third agent: all UP and listed by all three after", seconds(t0));
    for (Agent a : cluster.agents()) {
      assertThat(a.upMembers()).containsExactly("dai-tu", "phu-luong", "tinh");
    }
  }

  @Test
  @Order(5)
  void aKilledAgentLeavesTheOthersViewsAndRejoinsWhenRestarted() throws Exception {
    Agent killed = cluster.agent(2);
    long t0 = System.nanoTime();
    killed.kill();
    for (Agent a : List.of(cluster.agent(1), cluster.agent(3))) {
      Poll.until(a::upMembers, List.of("phu-luong", "tinh")::equals, LEAVE_LIMIT.plusSeconds(5),
          Duration.ofMillis(250), "dai-tu gone from " + a.vantage() + "'s view");
    }
    double left = (System.nanoTime() - t0) / 1e9;
    figures.put("SIGKILL: gone from the others' views after", String.format("%.1f s", left));
    assertThat(left).isLessThanOrEqualTo(LEAVE_LIMIT.toSeconds());
    long t1 = System.nanoTime();
    killed.restart();
    cluster.awaitMembers(START_LIMIT);
    killed.api().waitFor("dai-tu sees every site UP again", START_LIMIT,
        body -> ApiClient.count(body, "UP") == WATCHED);
    figures.put("restarted agent back in every view after", seconds(t1));
    assertThat(killed.log()).contains("run 1", "run 2");
  }

  /** The agents' notifications reach the receiver in the root namespace through the core. */
  @Test
  @Order(6)
  void aFailedSiteIsNotifiedToTheWebhookReceiver() throws Exception {
    FleetSite site = fleet.sites().get(11);
    int before = hooks.requests().size();
    fleet.fail(site.index());
    try {
      JsonObject down = hooks.awaitDelivered(
          n -> !n.getBoolean("resolved", false) && mentions(n, site.id()), Duration.ofSeconds(60),
          "a DOWN notification naming " + site.id());
      assertThat(down.getString("key")).isNotBlank();
    } finally {
      fleet.recover(site.index());
    }
    hooks.awaitDelivered(n -> n.getBoolean("resolved", false) && mentions(n, site.id()),
        Duration.ofSeconds(60), "a recovery naming " + site.id());
    PackagedAgent.sleep(3000);
    Map<String, Long> perKey = keysOf(site.id());
    figures.put("site cut: deliveries per key", perKey.toString());
    assertThat(perKey).as("one DOWN and one recovery, each delivered once").hasSize(2)
        .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
    assertThat(hooks.requests().size() - before).isEqualTo(2);
  }

  /**
   * The owner of a site killed, then the site cut: a survivor announces it once; a notification
   * the killed agent had queued but not delivered is delivered once by a survivor; a maintenance
   * window and an acknowledgement made meanwhile reach the killed agent when it is back, and it
   * sends nothing again.
   */
  @Test
  @Order(8)
  void theDutiesOfAKilledOwnerMoveToTheSurvivors() throws Exception {
    cluster.awaitMembers(START_LIMIT);
    // 1. The owner of a site killed, then that site cut: a survivor announces it.
    FleetSite cut = fleet.sites().get(0);
    Agent cutOwner = ownerOf(cut.id());
    long t0 = System.nanoTime();
    cutOwner.kill();
    fleet.fail(cut.index());
    JsonObject down = hooks.awaitDelivered(n -> !n.getBoolean("resolved", false) && mentions(n, cut.id()),
        Duration.ofSeconds(60), "a survivor's DOWN of " + cut.id());
    double took = (System.nanoTime() - t0) / 1e9;
    figures.put("owner killed, then its site cut: DOWN delivered after", String.format("%.1f s", took));
    // The engine's 15 s, then the normal detection: two failed checks 2 s apart, a 2 s digest hold.
    assertThat(took).isLessThanOrEqualTo(LEAVE_LIMIT.toSeconds() + 10);
    // 2. A notification queued and not delivered when its owner dies.
    FleetSite queued = fleet.sites().stream()
        .filter(s -> s != cut && !ownerOf(s.id()).equals(cutOwner)).findFirst().orElseThrow();
    Agent queuedOwner = ownerOf(queued.id());
    hooks.unavailableFor(Duration.ofSeconds(30));
    fleet.fail(queued.index());
    Poll.until(() -> queuedOwner.lastRunLog().contains("Notification not delivered channel=webhook-1 key=site:" + queued.id() + ":DOWN"),
        Duration.ofSeconds(40), Duration.ofMillis(250), "the owner's delivery of " + queued.id() + " fails");
    queuedOwner.kill();
    hooks.awaitDelivered(n -> !n.getBoolean("resolved", false) && mentions(n, queued.id()),
        Duration.ofSeconds(90), "the killed owner's undelivered DOWN of " + queued.id());
    Agent survivor = cluster.agents().stream().filter(Agent::running).findFirst().orElseThrow();
    // 3. Operator writes while the two are down.
    String window = "{\"site\": \"" + cut.id() + "\", \"start\": \"2030-01-01 00:00\","
        + " \"end\": \"2030-01-01 02:00\", \"note\": \"VNPT works\"}";
    assertThat(survivor.api().send("POST", "/api/v1/maintenance", PackagedAgent.ADMIN_TOKEN, window).statusCode())
        .isEqualTo(201);
    fleet.recover(cut.index());
    fleet.recover(queued.index());
    for (Agent a : List.of(queuedOwner, cutOwner)) {
      if (!a.running()) {
        a.restart();
      }
    }
    cluster.awaitMembers(START_LIMIT);
    for (Agent a : cluster.agents()) {
      Poll.until(() -> maintenance(a), b -> b.contains("VNPT works"),
          Duration.ofSeconds(60), Duration.ofMillis(500), a.vantage() + " has the window made meanwhile");
      a.api().waitFor(a.vantage() + " sees every site UP", START_LIMIT, body -> ApiClient.count(body, "UP") == WATCHED);
    }
    PackagedAgent.sleep(8000); // the restarted agents have caught up and would have sent by now
    Map<String, Long> perKey = hooks.deliveriesPerKey();
    figures.put("kill scenario: deliveries per key", perKey.toString());
    assertThat(keysOf(cut.id())).as("one DOWN and one recovery of %s", cut.id()).hasSize(2)
        .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
    assertThat(keysOf(queued.id())).as("one DOWN and one recovery of %s", queued.id()).hasSize(2)
        .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
    assertThat(down.getString("key")).startsWith("site:" + cut.id() + ":DOWN:");
  }

  /** Deliveries per key of the notifications about one site (DOWN, recovery, reminders). */
  Map<String, Long> keysOf(String siteId) {
    Map<String, Long> out = new java.util.TreeMap<>();
    hooks.deliveriesPerKey().forEach((k, n) -> {
      if (k.startsWith("site:" + siteId + ":")) {
        out.put(k, n);
      }
    });
    return out;
  }

  Map<String, Long> downKeys(String siteId) {
    Map<String, Long> out = new java.util.TreeMap<>();
    keysOf(siteId).forEach((k, n) -> {
      if (k.contains(":DOWN:")) {
        out.put(k, n);
      }
    });
    return out;
  }

  Agent ownerOf(String siteId) {
    String owner = siteOn(cluster.agents().stream().filter(Agent::running).findFirst().orElseThrow(), siteId)
        .getString("owner");
    return cluster.agents().stream().filter(a -> a.vantage().equals(owner)).findFirst().orElseThrow();
  }

  java.util.Set<String> owners(String siteId) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (Agent a : List.of(cluster.agent(1), cluster.agent(2))) {
      out.add(String.valueOf(siteOn(a, siteId).getString("owner")));
    }
    return out;
  }

  static String maintenance(Agent a) {
    try {
      return a.api().get("/api/v1/maintenance").body();
    } catch (Exception e) {
      return "";
    }
  }

  static JsonObject siteOn(Agent a, String siteId) {
    try {
      return ApiClient.site(a.api().sites(), siteId).orElseThrow();
    } catch (Exception e) {
      return new JsonObject();
    }
  }

  static String vantageState(Agent a, String siteId, String vantage) {
    JsonObject v = siteOn(a, siteId).getJsonObject("vantages");
    return v == null || v.getJsonObject(vantage) == null ? null : v.getJsonObject(vantage).getString("state");
  }

  @Test
  @Order(7)
  void anAgentWithACertificateFromAnotherCaNeverBecomesAMember() throws Exception {
    cluster.awaitMembers(MERGE_LIMIT);
    Agent foreign = cluster.foreign();
    foreign.start();
    try {
      Poll.until(() -> !foreign.upMembers().isEmpty(), START_LIMIT, Duration.ofMillis(250),
          "the foreign agent serves its API");
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < end) {
        for (Agent a : cluster.agents()) {
          assertThat(a.upMembers()).as("%s's members", a.vantage())
              .containsExactly("dai-tu", "phu-luong", "tinh");
        }
        Thread.sleep(500);
      }
      Poll.until(() -> foreign.log().contains("Cluster member refused"), Duration.ofSeconds(30),
          Duration.ofMillis(250), "the foreign agent says why it is not a member");
      assertThat(foreign.upMembers()).containsExactly(ClusterAgents.FOREIGN_VANTAGE);
    } finally {
      foreign.stop();
    }
  }

  static boolean mentions(JsonObject notification, String siteId) {
    return notification.getJsonArray("sites").stream()
        .map(JsonObject.class::cast)
        .anyMatch(s -> siteId.equals(s.getString("id")));
  }

  static String seconds(long startNanos) {
    return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
  }
}
