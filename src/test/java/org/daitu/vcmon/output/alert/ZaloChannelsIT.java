package org.daitu.vcmon.output.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.daitu.vcmon.testing.Await.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.output.metrics.AgentMetrics;
import org.daitu.vcmon.store.ChannelToken;
import org.daitu.vcmon.store.SqliteStore;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The Zalo Bot and Zalo OA channels through the durable outbox and a real SQLite store, against
 * a fake Zalo on loopback (the real one cannot be reached from here). The fake checks each request
 * as the real services expect it (path, headers, form or JSON body) and answers with their
 * documented bodies: HTTP 200 with {@code ok:false} or a non-zero {@code error}; its OAuth endpoint
 * accepts each refresh token once, as Zalo does.
 */
class ZaloChannelsIT {
  static final String BOT_TOKEN = "3141592653:bot-SECRET-token";
  static final String APP_ID = "1234567890123456789";
  static final String SECRET_KEY = "app-SECRET-key";
  static final String SEED = "seed-SECRET-refresh";
  static final String USER_A = "2468458835296197922";
  static final String USER_B = "1357913579135791357";
  static final Instant AT = Instant.parse("2026-03-02T01:00:00Z");

  record Received(String path, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    Map<String, String> form() {
      Map<String, String> out = new LinkedHashMap<>();
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
      return out;
    }
  }

  @TempDir Path dir;
  Vertx vertx;
  WebClient client;
  HttpServer zalo;
  SqliteStore store;
  SimpleMeterRegistry registry;
  AgentMetrics metrics;
  ManualClock clock;
  final List<Outbox> outboxes = new ArrayList<>();
  final List<Channel> channels = new ArrayList<>();
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  // The fake Zalo's state.
  final List<Received> requests = new CopyOnWriteArrayList<>();
  /** Scripted bot answers, used in order; then {"ok":true}. */
  final ConcurrentLinkedQueue<String> botAnswers = new ConcurrentLinkedQueue<>();
  /** The one refresh token the OAuth endpoint accepts next. */
  volatile String validRefresh = SEED;
  volatile String expiresIn = "90000";
  final AtomicInteger issued = new AtomicInteger();
  final Set<String> validAccess = ConcurrentHashMap.newKeySet();
  final Set<String> followers = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() throws Exception {
    logs.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    clock = ManualClock.running();
    store = new SqliteStore(vertx, dir.resolve("vcmon.db"));
    await(store.open());
    registry = new SimpleMeterRegistry();
    metrics = new AgentMetrics(registry, () -> null, new AgentConfig.Rollout(30, null), ZoneOffset.UTC, "test");
    followers.addAll(List.of(USER_A, USER_B));
    zalo =
        await(
            vertx
                .createHttpServer()
                .requestHandler(req -> req.body().onSuccess(b -> answer(req, b.toString())))
                .listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    for (Outbox o : outboxes) {
      Promise<Void> stopped = Promise.promise();
      vertx.runOnContext(v -> o.stop().onComplete(stopped));
      await(stopped.future());
    }
    for (Channel c : channels) {
      Promise<Void> closed = Promise.promise();
      vertx.runOnContext(v -> c.close().onComplete(closed));
      await(closed.future());
    }
    await(store.close());
    await(vertx.close());
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    // No token of any kind in any log line, at any level, of any test.
    assertThat(logs.list).isNotEmpty();
    for (ILoggingEvent e : logs.list) {
      StringBuilder text = new StringBuilder(e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        text.append(' ').append(t.getMessage());
      }
      assertThat(text.toString())
          .doesNotContain("SECRET")
          .doesNotContain("access-")
          .doesNotContain("refresh-");
    }
  }

  // ---- the fake Zalo

  void answer(HttpServerRequest req, String body) {
    Received r = new Received(req.path(), req.headers(), body);
    requests.add(r);
    String reply;
    if (req.path().equals("/bot" + BOT_TOKEN + "/sendMessage")) {
      String scripted = botAnswers.poll();
      reply = scripted != null ? scripted : "{\"ok\":true,\"result\":{\"message_id\":\"m" + requests.size() + "\"}}";
    } else if (req.path().startsWith("/bot")) {
      reply = "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}";
    } else if (req.path().equals("/v4/oa/access_token")) {
      reply = token(r);
    } else if (req.path().equals("/v3.0/oa/message/cs")) {
      reply = message(r);
    } else {
      req.response().setStatusCode(404).end();
      return;
    }
    req.response().putHeader("content-type", "application/json").end(reply);
  }

  String token(Received r) {
    Map<String, String> form = r.form();
    if (!SECRET_KEY.equals(r.headers().get("secret_key"))) {
      return "{\"error\":-14002,\"error_name\":\"Invalid secret key\",\"error_description\":\"Invalid app secret key\"}";
    }
    if (!form.keySet().equals(Set.of("refresh_token", "app_id", "grant_type"))
        || !APP_ID.equals(form.get("app_id"))
        || !"refresh_token".equals(form.get("grant_type"))) {
      return "{\"error\":-14003,\"error_name\":\"Invalid parameter\",\"error_description\":\"Invalid parameter\"}";
    }
    synchronized (this) {
      if (!form.get("refresh_token").equals(validRefresh)) {
        return "{\"error\":-14014,\"error_name\":\"Invalid refresh token\",\"error_description\":\"Invalid refresh token\"}";
      }
      int n = issued.incrementAndGet();
      validRefresh = "refresh-" + n;
      validAccess.add("access-" + n);
      return new JsonObject()
          .put("access_token", "access-" + n)
          .put("refresh_token", "refresh-" + n)
          .put("expires_in", expiresIn)
          .encode();
    }
  }

  String message(Received r) {
    String token = r.headers().get("access_token");
    if (token == null || !validAccess.contains(token)) {
      return "{\"error\":-216,\"message\":\"Access token is invalid\"}";
    }
    JsonObject body = r.json();
    String user = body.getJsonObject("recipient", new JsonObject()).getString("user_id");
    if (!body.fieldNames().equals(Set.of("recipient", "message"))
        || body.getJsonObject("message", new JsonObject()).getString("text", "").isEmpty()) {
      return "{\"error\":-201,\"message\":\"Parameters are invalid\"}";
    }
    if (!followers.contains(user)) {
      return "{\"error\":-213,\"message\":\"User has not followed the OA\"}";
    }
    return "{\"error\":0,\"message\":\"Success\",\"data\":{\"message_id\":\"mid-" + requests.size() + "\",\"user_id\":\"" + user + "\"}}";
  }

  List<Received> requests(Predicate<Received> which) {
    return requests.stream().filter(which).toList();
  }

  static Predicate<Received> path(String p) {
    return r -> r.path().equals(p);
  }

  static final Predicate<Received> REFRESH = path("/v4/oa/access_token");
  static final Predicate<Received> OA_MESSAGE = path("/v3.0/oa/message/cs");
  static final Predicate<Received> BOT = path("/bot" + BOT_TOKEN + "/sendMessage");

  // ---- the agent's side

  String base() {
    return "http://127.0.0.1:" + zalo.actualPort();
  }

  AgentConfig.ZaloBot bot() {
    return new AgentConfig.ZaloBot(Secret.of(BOT_TOKEN), "group-it.42", base(), "info", false);
  }

  AgentConfig.ZaloOa oa(String seed, String... users) {
    return new AgentConfig.ZaloOa(
        APP_ID, Secret.of(SECRET_KEY), Secret.of(seed), List.of(users), base(), base(), "info", false);
  }

  List<Channel> oaChannels(AgentConfig.ZaloOa config, Duration tick) {
    return Channels.zaloOa("zalo-oa-1", vertx, client, config, store, clock, Duration.ofSeconds(5), tick);
  }

  Outbox outbox(List<Channel> list) throws Exception {
    channels.addAll(list);
    Outbox o = new Outbox(vertx, store, list, metrics, clock);
    outboxes.add(o);
    Context ctx = vertx.getOrCreateContext();
    Promise<Void> started = Promise.promise();
    ctx.runOnContext(v -> o.start().onComplete(started));
    await(started.future());
    return o;
  }

  void stopAll() throws Exception {
    for (Outbox o : outboxes) {
      Promise<Void> stopped = Promise.promise();
      vertx.runOnContext(v -> o.stop().onComplete(stopped));
      await(stopped.future());
    }
    outboxes.clear();
    for (Channel c : channels) {
      Promise<Void> closed = Promise.promise();
      vertx.runOnContext(v -> c.close().onComplete(closed));
      await(closed.future());
    }
    channels.clear();
  }

  static Notification event(int i) {
    return new Notification(
        "site:xa-" + i + ":DOWN",
        Notification.Kind.SITE,
        Notification.Severity.CRITICAL,
        false,
        AT.plusSeconds(i),
        "Xã " + i + " mất kết nối",
        "Phòng họp Xã " + i + " không phản hồi ping",
        List.of(new Notification.SiteLine("xa-" + i, "Xã " + i, "DOWN", "UP", AT, "no ping answer")));
  }

  static void until(String what, java.util.concurrent.Callable<Boolean> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.call()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  double counter(String name, String channel) {
    var c = registry.find(name).tag("channel", channel).counter();
    return c == null ? 0 : c.count();
  }

  int queued() throws Exception {
    return await(store.outboxStats(Instant.now())).queued();
  }

  List<String> logLines(String containing) {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.contains(containing)).toList();
  }

  // ---- Zalo Bot

  @Test
  void botPostsWhatTheBotPlatformExpects() throws Exception {
    ZaloBotChannel chat = new ZaloBotChannel("zalo-bot-1", client, bot(), Duration.ofSeconds(5));
    await(chat.send(NotificationJsonTest.down("cat-ne", "Cát Nê")));
    Received r = requests(BOT).get(0);
    assertThat(requests).hasSize(1);
    assertThat(r.headers().get("Content-Type")).startsWith("application/json");
    assertThat(r.json())
        .isEqualTo(
            new JsonObject()
                .put("chat_id", "group-it.42")
                .put("text", "Cát Nê mất kết nối\n\nPhòng họp Cát Nê không phản hồi <ping> & SNMP"));
  }

  @Test
  void botOkFalseIsRetriedThenDelivered() throws Exception {
    botAnswers.add("{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error\"}");
    Outbox o = outbox(List.of(new ZaloBotChannel("zalo-bot-1", client, bot(), Duration.ofSeconds(5))));
    await(o.submit(List.of(event(1))));
    until("the retry", () -> requests(BOT).size() == 2);
    until("the delivery mark", () -> counter("vcmon.notifications.sent", "zalo-bot-1") == 1);
    assertThat(counter("vcmon.notifications.failed", "zalo-bot-1")).isEqualTo(1);
    assertThat(queued()).isZero();
    assertThat(requests(BOT).get(0).body()).isEqualTo(requests(BOT).get(1).body());
    assertThat(logLines("Notification not delivered channel=zalo-bot-1"))
        .singleElement()
        .asString()
        .contains("error_code 500: Internal Server Error; check bot_token_env and chat_id");
  }

  @Test
  void botNotInTheChatIsReportedOnceAndNotRetried() throws Exception {
    for (int i = 0; i < 5; i++) {
      botAnswers.add("{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot not in chat\"}");
    }
    Outbox o = outbox(List.of(new ZaloBotChannel("zalo-bot-1", client, bot(), Duration.ofSeconds(5))));
    await(o.submit(List.of(event(1), event(2))));
    until("both refused", () -> counter("vcmon.notifications.abandoned", "zalo-bot-1") == 2);
    Thread.sleep(2_500); // past the first backoffs: a retry would show now
    assertThat(requests(BOT)).as("each item tried once, the second not held back").hasSize(2);
    assertThat(queued()).isZero();
    assertThat(counter("vcmon.notifications.failed", "zalo-bot-1")).isZero();
    assertThat(logLines("Notification abandoned"))
        .hasSize(2)
        .allSatisfy(
            l ->
                assertThat(l)
                    .contains("channel=zalo-bot-1")
                    .contains(
                        "refused sendMessage: error_code 403: Forbidden: bot not in chat; add the bot to the group or fix chat_id"));
    assertThat(logs.list.stream().filter(e -> e.getFormattedMessage().startsWith("Notification abandoned")))
        .allSatisfy(e -> assertThat(e.getLevel().toString()).isEqualTo("ERROR"));
  }

  // ---- Zalo OA

  @Test
  void oaSendsOneMessagePerUserWithOneAccessToken() throws Exception {
    Outbox o = outbox(oaChannels(oa(SEED, USER_A, USER_B), Duration.ofHours(1)));
    await(o.submit(List.of(event(1))));
    until("two messages", () -> counter("vcmon.notifications.sent", "zalo-oa-1:" + USER_A) == 1
        && counter("vcmon.notifications.sent", "zalo-oa-1:" + USER_B) == 1);

    Received refresh = requests(REFRESH).get(0);
    assertThat(requests(REFRESH)).hasSize(1);
    assertThat(refresh.headers().get("secret_key")).isEqualTo(SECRET_KEY);
    assertThat(refresh.headers().get("Content-Type")).startsWith("application/x-www-form-urlencoded");
    assertThat(refresh.form())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("refresh_token", SEED, "app_id", APP_ID, "grant_type", "refresh_token"));

    List<Received> messages = requests(OA_MESSAGE);
    assertThat(messages).hasSize(2);
    assertThat(messages).allSatisfy(m -> {
      assertThat(m.headers().get("access_token")).isEqualTo("access-1");
      assertThat(m.headers().get("Content-Type")).startsWith("application/json");
    });
    assertThat(messages.stream().map(Received::json).toList())
        .containsExactlyInAnyOrder(
            new JsonObject()
                .put("recipient", new JsonObject().put("user_id", USER_A))
                .put("message", new JsonObject().put("text", "Xã 1 mất kết nối\n\nPhòng họp Xã 1 không phản hồi ping")),
            new JsonObject()
                .put("recipient", new JsonObject().put("user_id", USER_B))
                .put("message", new JsonObject().put("text", "Xã 1 mất kết nối\n\nPhòng họp Xã 1 không phản hồi ping")));
  }

  @Test
  void anInvalidAccessTokenIsRenewedOnceAndTheMessageDelivered() throws Exception {
    Outbox o = outbox(oaChannels(oa(SEED, USER_A, USER_B), Duration.ofHours(1)));
    await(o.submit(List.of(event(1))));
    until("first messages", () -> requests(OA_MESSAGE).size() == 2);
    validAccess.clear(); // Zalo revoked it (the OA re-authorized elsewhere, or it expired early)

    await(o.submit(List.of(event(2))));
    until("both users got event 2", () -> counter("vcmon.notifications.sent", "zalo-oa-1:" + USER_A) == 2
        && counter("vcmon.notifications.sent", "zalo-oa-1:" + USER_B) == 2);
    assertThat(requests(REFRESH)).as("the first token, then one renewal for both users").hasSize(2);
    assertThat(requests(REFRESH).get(1).form().get("refresh_token")).isEqualTo("refresh-1");
    List<Received> second = requests(OA_MESSAGE).subList(2, requests(OA_MESSAGE).size());
    assertThat(second.stream().filter(m -> "access-2".equals(m.headers().get("access_token"))))
        .as("event 2 delivered with the new token to each user")
        .hasSize(2);
    assertThat(counter("vcmon.notifications.failed", "zalo-oa-1:" + USER_A)).isZero();
    assertThat(counter("vcmon.notifications.failed", "zalo-oa-1:" + USER_B)).isZero();
  }

  @Test
  void theNewestRefreshTokenIsKeptAndARestartUsesItNotTheSeed() throws Exception {
    Outbox o = outbox(oaChannels(oa(SEED, USER_A), Duration.ofHours(1)));
    await(o.submit(List.of(event(1))));
    until("delivered", () -> counter("vcmon.notifications.sent", "zalo-oa-1:" + USER_A) == 1);
    ChannelToken kept = await(store.channelToken("zalo_oa:" + APP_ID)).orElseThrow();
    assertThat(kept.refreshToken()).isEqualTo("refresh-1");
    assertThat(kept.toString()).doesNotContain("refresh-1");

    // A restart: new channels over the same store file; the configuration still holds the seed,
    // which Zalo no longer accepts.
    stopAll();
    await(store.close());
    store = new SqliteStore(vertx, dir.resolve("vcmon.db"));
    await(store.open());
    Outbox again = outbox(oaChannels(oa(SEED, USER_A), Duration.ofHours(1)));
    await(again.submit(List.of(event(2))));
    until("delivered after the restart", () -> requests(OA_MESSAGE).size() == 2);
    until("marked", () -> queued() == 0);
    assertThat(requests(REFRESH)).hasSize(2);
    assertThat(requests(REFRESH).get(1).form().get("refresh_token")).isEqualTo("refresh-1");
    assertThat(requests(OA_MESSAGE).get(1).headers().get("access_token")).isEqualTo("access-2");
    assertThat(await(store.channelToken("zalo_oa:" + APP_ID)).orElseThrow().refreshToken()).isEqualTo("refresh-2");
    assertThat(logLines("Zalo OA refresh token taken from the store app_id=" + APP_ID)).hasSize(1);

    // The operator authorized the app again and configured the new token: that one is used.
    stopAll();
    validRefresh = "reauthorized-SECRET";
    Outbox third = outbox(oaChannels(oa("reauthorized-SECRET", USER_A), Duration.ofHours(1)));
    await(third.submit(List.of(event(3))));
    until("delivered with the new seed", () -> requests(OA_MESSAGE).size() == 3);
    assertThat(requests(REFRESH).get(2).form().get("refresh_token")).isEqualTo("reauthorized-SECRET");
  }

  @Test
  void theAccessTokenIsRenewedAheadOfItsExpiryWithoutAMessageToSend() throws Exception {
    Outbox o = outbox(oaChannels(oa(SEED, USER_A), Duration.ofMillis(100)));
    until("renewed one tick after the start", () -> requests(REFRESH).size() == 1);
    Thread.sleep(500);
    assertThat(requests(REFRESH)).as("valid for 25 h: nothing more to do").hasSize(1);

    clock.advance(Duration.ofSeconds(90000).minus(Duration.ofMinutes(9)));
    until("renewed 9 minutes before expiry", () -> requests(REFRESH).size() == 2);
    assertThat(requests(REFRESH).get(1).form().get("refresh_token")).isEqualTo("refresh-1");
    assertThat(requests(OA_MESSAGE)).isEmpty();

    await(o.submit(List.of(event(1))));
    until("delivered", () -> requests(OA_MESSAGE).size() == 1);
    assertThat(requests(OA_MESSAGE).get(0).headers().get("access_token")).isEqualTo("access-2");
    assertThat(requests(REFRESH)).hasSize(2);
  }

  @Test
  void aUserWhoDoesNotFollowIsReportedOnceAndTheOthersGetTheirMessages() throws Exception {
    followers.remove(USER_B);
    Outbox o = outbox(oaChannels(oa(SEED, USER_A, USER_B), Duration.ofHours(1)));
    await(o.submit(List.of(event(1), event(2))));
    until("A got both", () -> counter("vcmon.notifications.sent", "zalo-oa-1:" + USER_A) == 2);
    until("B refused for both", () -> counter("vcmon.notifications.abandoned", "zalo-oa-1:" + USER_B) == 2);
    Thread.sleep(2_500); // a retry would show now
    assertThat(requests(OA_MESSAGE).stream().filter(m -> m.body().contains(USER_B))).hasSize(2);
    assertThat(queued()).isZero();
    assertThat(logLines("Notification abandoned"))
        .hasSize(2)
        .allSatisfy(
            l ->
                assertThat(l)
                    .contains("channel=zalo-oa-1:" + USER_B)
                    .contains("refused the message to user " + USER_B + ": error -213: User has not followed the OA;"));
  }

  @Test
  void aRefusedRefreshTokenFailsTheDeliveryClearlyAndIsRetried() throws Exception {
    validRefresh = "something-else";
    List<Channel> list = oaChannels(oa(SEED, USER_A), Duration.ofHours(1));
    channels.addAll(list);
    assertThatThrownBy(() -> await(runOnContext(() -> list.get(0).send(event(1)))))
        .isInstanceOf(DeliveryException.class)
        .hasMessage(
            "zalo-oa-1:" + USER_A + ": Zalo OAuth at " + base() + " refused to renew the access token of app "
                + APP_ID + ": error -14014: Invalid refresh token; if the refresh token is no longer valid,"
                + " authorize the app again and give the new refresh token in refresh_token_env")
        .matches(e -> !((DeliveryException) e).isPermanent(), "retryable");
    assertThat(requests(OA_MESSAGE)).isEmpty();
  }

  <T> io.vertx.core.Future<T> runOnContext(java.util.function.Supplier<io.vertx.core.Future<T>> work) {
    Promise<T> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }
}
