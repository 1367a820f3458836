package org.daitu.vcmon.output.alert;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.store.TokenStore;

/**
 * Builds the channels of an {@code alerts:} config. Names are the kind and the 1-based position in
 * its list ({@code zalo-bot-1}, {@code webhook-1}, {@code telegram-2}, ...; a Zalo OA entry gives
 * one channel per user, {@code zalo-oa-1:<user_id>}): stable across restarts as long as the list
 * keeps its order, which the outbox relies on to resume a channel's pending items.
 */
public final class Channels {
  /** How long one delivery may take before it counts as failed (and is retried). */
  public static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  private Channels() {}

  /** How often a Zalo OA access token is checked for renewal ahead of its expiry. */
  static final Duration TOKEN_TICK = Duration.ofMinutes(1);

  /**
   * @param tokens where single-use refresh tokens (Zalo OA) are kept between runs; read and
   *     written only once the channels send, after the store is open
   */
  public static List<Channel> fromConfig(
      Vertx vertx, WebClient client, AgentConfig.Alerts alerts, TokenStore tokens, Clock clock) {
    List<Channel> channels = new ArrayList<>();
    int i = 0;
    for (AgentConfig.ZaloBot z : alerts.zaloBot()) {
      channels.add(new ZaloBotChannel("zalo-bot-" + ++i, client, z, SEND_TIMEOUT));
    }
    i = 0;
    for (AgentConfig.ZaloOa z : alerts.zaloOa()) {
      channels.addAll(zaloOa("zalo-oa-" + ++i, vertx, client, z, tokens, clock, SEND_TIMEOUT, TOKEN_TICK));
    }
    i = 0;
    for (AgentConfig.Webhook w : alerts.webhooks()) {
      channels.add(new WebhookChannel("webhook-" + ++i, client, w, SEND_TIMEOUT));
    }
    i = 0;
    for (AgentConfig.Telegram t : alerts.telegram()) {
      channels.add(new TelegramChannel("telegram-" + ++i, client, t, SEND_TIMEOUT));
    }
    i = 0;
    for (AgentConfig.Email e : alerts.email()) {
      channels.add(new EmailChannel("email-" + ++i, vertx, e, SEND_TIMEOUT));
    }
    i = 0;
    for (AgentConfig.AlertmanagerTarget a : alerts.alertmanager()) {
      channels.add(new AlertmanagerChannel("alertmanager-" + ++i, vertx, client, a, SEND_TIMEOUT));
    }
    return List.copyOf(channels);
  }

  /**
   * The channels of one {@code zalo_oa} entry: one per user, named {@code <name>:<user_id>}, all
   * sharing one access token.
   */
  static List<Channel> zaloOa(
      String name,
      Vertx vertx,
      WebClient client,
      AgentConfig.ZaloOa config,
      TokenStore store,
      Clock clock,
      Duration timeout,
      Duration tokenTick) {
    ZaloOaTokens shared = new ZaloOaTokens(vertx, client, config, store, clock, timeout, tokenTick);
    List<Channel> out = new ArrayList<>();
    for (String user : config.userIds()) {
      out.add(new ZaloOaChannel(name + ":" + user, client, config, user, shared, timeout));
    }
    return out;
  }
}
