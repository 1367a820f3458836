package org.daitu.vcmon.output.alert;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import org.daitu.vcmon.config.AgentConfig;

/**
 * Sends a Telegram message through the Bot API's {@code sendMessage}: the title in bold, then the
 * text, as HTML (only {@code & < >} need escaping there). Delivered when the API says {@code
 * "ok": true}; its {@code description} explains a refusal (wrong chat, bot blocked). The bot token
 * is part of the URL path, so failures never show the URL's path.
 */
public final class TelegramChannel extends ConfiguredChannel {
  private final WebClient client;
  private final AgentConfig.Telegram config;
  private final Duration timeout;

  public TelegramChannel(String name, WebClient client, AgentConfig.Telegram config, Duration timeout) {
    super(name, config.minSeverity(), config.degraded());
    this.client = client;
    this.config = config;
    this.timeout = timeout;
  }



  /** The message as Telegram HTML: bold title, blank line, text. */
  static String html(Notification n) {
    return "<b>" + escape(n.title()) + "</b>\n\n" + escape(n.text());
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  public Future<Void> send(Notification n) {
    String base = config.apiBase().endsWith("/") ? config.apiBase().substring(0, config.apiBase().length() - 1) : config.apiBase();
    String url = base + "/bot" + config.botToken().reveal() + "/sendMessage";
    String peer = DeliveryException.peer(base);
    JsonObject body =
        new JsonObject()
            .put("chat_id", config.chatId())
            .put("text", html(n))
            .put("parse_mode", "HTML")
            .put("disable_web_page_preview", true);
    return client
        .postAbs(url)
        .timeout(timeout.toMillis())
        .sendJsonObject(body)
        .recover(
            e ->
                Future.failedFuture(
                    new DeliveryException(
                        name,
                        "sendMessage to " + peer + " failed: " + scrub(DeliveryException.describe(e)),
                        null)))
        .compose(
            response -> {
              JsonObject answer;
              try {
                answer = response.bodyAsJsonObject();
              } catch (RuntimeException e) {
                answer = null;
              }
              if (answer != null && answer.getBoolean("ok", false)) {
                return Future.succeededFuture();
              }
              String why =
                  answer == null ? "no Bot API answer" : answer.getString("description", "no description");
              return Future.failedFuture(
                  new DeliveryException(
                      name,
                      "Bot API at " + peer + " refused sendMessage (HTTP " + response.statusCode()
                          + "): " + scrub(why) + "; check bot_token and chat_id"));
            });
  }

  /** Netty and the web client may quote the request URL, which holds the token. */
  private String scrub(String message) {
    return message.replace(config.botToken().reveal(), "<bot_token>");
  }
}
