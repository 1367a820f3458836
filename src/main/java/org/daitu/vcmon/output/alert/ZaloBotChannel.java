package org.daitu.vcmon.output.alert;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import org.daitu.vcmon.config.AgentConfig;

/**
 * Posts to a Zalo group chat through the Zalo Bot Platform's {@code sendMessage} ({@code POST
 * {api_base}/bot{TOKEN}/sendMessage}, JSON {@code {"chat_id","text"}}): the title, a blank line,
 * the text, as plain text. The platform answers HTTP 200 with {@code "ok": false} for a refusal,
 * so only {@code "ok": true} is delivered ({@link ZaloAnswers#bot}); a bot that is not in the
 * group is refused for good. The bot token is part of the URL path, so failures never show the
 * URL's path.
 */
public final class ZaloBotChannel extends ConfiguredChannel {
  private final WebClient client;
  private final AgentConfig.ZaloBot config;
  private final Duration timeout;

  public ZaloBotChannel(String name, WebClient client, AgentConfig.ZaloBot config, Duration timeout) {
    super(name, config.minSeverity(), config.degraded());
    this.client = client;
    this.config = config;
    this.timeout = timeout;
  }

  @Override
  public Future<Void> send(Notification n) {
    String base = config.apiBase().endsWith("/") ? config.apiBase().substring(0, config.apiBase().length() - 1) : config.apiBase();
    String peer = DeliveryException.peer(base);
    JsonObject body = new JsonObject().put("chat_id", config.chatId()).put("text", ZaloAnswers.text(n));
    return client
        .postAbs(base + "/bot" + config.botToken().reveal() + "/sendMessage")
        .timeout(timeout.toMillis())
        .sendJsonObject(body)
        .recover(
            e ->
                Future.failedFuture(
                    new DeliveryException(
                        name, "sendMessage to " + peer + " failed: " + scrub(DeliveryException.describe(e)))))
        .compose(
            response -> {
              JsonObject answer;
              try {
                answer = response.bodyAsJsonObject();
              } catch (RuntimeException e) {
                answer = null;
              }
              ZaloAnswers.Verdict v = ZaloAnswers.bot(response.statusCode(), answer);
              String why = "Zalo Bot API at " + peer + " refused sendMessage: " + scrub(v.detail());
              switch (v.outcome()) {
                case DELIVERED:
                  return Future.succeededFuture();
                case PERMANENT:
                  return Future.failedFuture(DeliveryException.permanent(name, why));
                default:
                  return Future.failedFuture(new DeliveryException(name, why + "; check bot_token_env and chat_id"));
              }
            });
  }

  /** Netty and the web client may quote the request URL, which holds the token. */
  private String scrub(String message) {
    return message.replace(config.botToken().reveal(), "<bot_token>");
  }
}
