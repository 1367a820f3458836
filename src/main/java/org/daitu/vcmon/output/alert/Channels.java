package org.daitu.vcmon.output.alert;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.daitu.vcmon.config.AgentConfig;

/**
 * Builds the channels of an {@code alerts:} config. Names are the kind and the 1-based position in
 * its list ({@code webhook-1}, {@code telegram-2}, ...): stable across restarts as long as the list
 * keeps its order, which the outbox relies on to resume a channel's pending items.
 */
public final class Channels {
  /** How long one delivery may take before it counts as failed (and is retried). */
  public static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  private Channels() {}

  public static List<Channel> fromConfig(Vertx vertx, WebClient client, AgentConfig.Alerts alerts) {
    List<Channel> channels = new ArrayList<>();
    int i = 0;
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
}
