package org.daitu.vcmon.output.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.daitu.vcmon.testing.Await.await;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook and Telegram channels against real HTTP servers on loopback: the exact request on
 * the wire, and how answers turn into delivered or failed (without leaking a secret).
 */
class HttpChannelsIT {
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static final String TOKEN = "123456:AAF-secret-token";

  record Received(String method, String path, MultiMap headers, String body) {}

  Vertx vertx;
  WebClient client;
  HttpServer server;
  final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
  volatile int status = 200;
  volatile String answer = "";

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    server =
        await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.body()
                            .onSuccess(
                                b -> {
                                  received.add(
                                      new Received(
                                          req.method().name(), req.path(), req.headers(), b.toString()));
                                  req.response()
                                      .setStatusCode(status)
                                      .putHeader("content-type", "application/json")
                                      .end(answer);
                                }))
                .listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  String base() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  Received next() throws InterruptedException {
    Received r = received.poll(10, TimeUnit.SECONDS);
    assertThat(r).as("a request reached the test server").isNotNull();
    return r;
  }

  @Test
  void webhookPostsTheContractJsonWithItsHeaders() throws Exception {
    WebhookChannel hook =
        new WebhookChannel(
            "webhook-1",
            client,
            new AgentConfig.Webhook(
                base() + "/hook?x=1",
                Map.of("Authorization", Secret.of("Bearer s3cret"), "X-Team", Secret.of("it")),
                "warning",
                false),
            TIMEOUT);
    Notification n = NotificationJsonTest.down("cat-ne", "Cát Nê");
    await(hook.send(n));
    Received r = next();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/hook");
    assertThat(r.headers().get("Authorization")).isEqualTo("Bearer s3cret");
    assertThat(r.headers().get("X-Team")).isEqualTo("it");
    assertThat(r.headers().get("Content-Type")).startsWith("application/json");
    JsonObject body = new JsonObject(r.body());
    assertThat(body).isEqualTo(NotificationJson.toJson(n));
    assertThat(body.getString("text")).isEqualTo("Phòng họp Cát Nê không phản hồi <ping> & SNMP");
    assertThat(body.getJsonArray("sites").getJsonObject(0).getString("state")).isEqualTo("DOWN");
  }

  @Test
  void webhookPostsAClusterNoticeWithItsMember() throws Exception {
    WebhookChannel hook =
        new WebhookChannel("webhook-1", client, new AgentConfig.Webhook(base() + "/hook", Map.of(), "warning", false), TIMEOUT);
    Notification n = MemberNoticesTest.left();
    assertThat(hook.accepts(n)).as("a warning channel takes a lost member").isTrue();
    await(hook.send(n));
    JsonObject body = new JsonObject(next().body());
    assertThat(body.getString("kind")).isEqualTo("cluster");
    assertThat(body.getString("key")).isEqualTo("member:dai-tu:left:1751328005123");
    assertThat(body.getString("severity")).isEqualTo("warning");
    assertThat(body.getJsonArray("sites")).isEmpty();
    assertThat(body.getJsonObject("member"))
        .isEqualTo(new JsonObject().put("vantage", "dai-tu").put("address", "127.0.0.22:7800").put("since", "2025-07-01T00:00:05.123Z"));
    assertThat(body.getString("title")).isEqualTo("[CẢNH BÁO] vcmon dai-tu mất liên lạc với cụm");
  }

  @Test
  void webhookFailsOnANon2xxAnswerNamingTheChannelButNoSecret() throws Exception {
    status = 503;
    WebhookChannel hook =
        new WebhookChannel(
            "webhook-1",
            client,
            new AgentConfig.Webhook(
                base() + "/hook/s3cretpath", Map.of("Authorization", Secret.of("Bearer s3cret")), "info", true),
            TIMEOUT);
    assertThatThrownBy(() -> await(hook.send(NotificationJsonTest.down("a", "A"))))
        .isInstanceOf(DeliveryException.class)
        .hasMessage("webhook-1: " + base() + " answered HTTP 503 to the POST")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void webhookFailsWhenNobodyListens() throws Exception {
    int port = server.actualPort();
    await(server.close());
    WebhookChannel hook =
        new WebhookChannel(
            "webhook-2",
            client,
            new AgentConfig.Webhook("http://127.0.0.1:" + port + "/hook", Map.of(), "info", true),
            TIMEOUT);
    assertThatThrownBy(() -> await(hook.send(NotificationJsonTest.down("a", "A"))))
        .isInstanceOf(DeliveryException.class)
        .hasMessageStartingWith("webhook-2: POST to http://127.0.0.1:" + port + " failed: ");
  }

  @Test
  void telegramSendsWhatTheBotApiExpects() throws Exception {
    answer = "{\"ok\":true,\"result\":{\"message_id\":7}}";
    TelegramChannel chat =
        new TelegramChannel(
            "telegram-1",
            client,
            new AgentConfig.Telegram(Secret.of(TOKEN), "-100123", base(), "info", false),
            TIMEOUT);
    await(chat.send(NotificationJsonTest.down("cat-ne", "Cát Nê")));
    Received r = next();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/bot" + TOKEN + "/sendMessage");
    assertThat(r.headers().get("Content-Type")).startsWith("application/json");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.fieldNames())
        .containsExactlyInAnyOrder("chat_id", "text", "parse_mode", "disable_web_page_preview");
    assertThat(body.getString("chat_id")).isEqualTo("-100123");
    assertThat(body.getString("parse_mode")).isEqualTo("HTML");
    assertThat(body.getBoolean("disable_web_page_preview")).isTrue();
    assertThat(body.getString("text"))
        .isEqualTo(
            "<b>Cát Nê mất kết nối</b>\n\nPhòng họp Cát Nê không phản hồi &lt;ping&gt; &amp; SNMP");
  }

  @Test
  void telegramSendsAClusterNotice() throws Exception {
    answer = "{\"ok\":true,\"result\":{\"message_id\":8}}";
    TelegramChannel chat =
        new TelegramChannel("telegram-1", client, new AgentConfig.Telegram(Secret.of(TOKEN), "-100123", base(), "warning", false), TIMEOUT);
    Notification back = MemberNoticesTest.returned();
    assertThat(chat.accepts(back)).as("the return reaches whoever got the loss").isTrue();
    await(chat.send(back));
    assertThat(new JsonObject(next().body()).getString("text"))
        .isEqualTo("<b>[ĐÃ KHÔI PHỤC] vcmon dai-tu đã liên lạc lại với cụm</b>\n\n" + back.text());
  }

  @Test
  void telegramRefusalIsAFailureWithTheApiDescriptionAndNoToken() throws Exception {
    status = 400;
    answer = "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}";
    TelegramChannel chat =
        new TelegramChannel(
            "telegram-1",
            client,
            new AgentConfig.Telegram(Secret.of(TOKEN), "42", base() + "/", "info", false),
            TIMEOUT);
    assertThatThrownBy(() -> await(chat.send(NotificationJsonTest.down("a", "A"))))
        .isInstanceOf(DeliveryException.class)
        .hasMessage(
            "telegram-1: Bot API at " + base() + " refused sendMessage (HTTP 400):"
                + " Bad Request: chat not found; check bot_token and chat_id")
        .hasMessageNotContaining("secret-token");
    assertThat(next().path()).isEqualTo("/bot" + TOKEN + "/sendMessage");
  }

  @Test
  void telegramOkFalseWith200IsStillAFailure() throws Exception {
    answer = "{\"ok\":false,\"description\":\"Forbidden: bot was blocked by the user\"}";
    TelegramChannel chat =
        new TelegramChannel(
            "telegram-1", client, new AgentConfig.Telegram(Secret.of(TOKEN), "42", base(), "info", false), TIMEOUT);
    assertThatThrownBy(() -> await(chat.send(NotificationJsonTest.down("a", "A"))))
        .hasMessageContaining("Forbidden: bot was blocked by the user");
  }

  @Test
  void aPeerThatHangsIsATimeout() throws Exception {
    HttpServer silent =
        await(vertx.createHttpServer().requestHandler(req -> {}).listen(0, "127.0.0.1"));
    WebhookChannel hook =
        new WebhookChannel(
            "webhook-3",
            client,
            new AgentConfig.Webhook("http://127.0.0.1:" + silent.actualPort() + "/", Map.of(), "info", true),
            Duration.ofMillis(300));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> await(hook.send(NotificationJsonTest.down("a", "A"))))
        .isInstanceOf(DeliveryException.class)
        .hasMessageStartingWith("webhook-3: POST to");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    List.of(silent).forEach(HttpServer::close);
  }
}
