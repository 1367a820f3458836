package org.daitu.vcmon.output.alert;

import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Secret;

/**
 * POSTs the notification JSON ({@link NotificationJson}) to a URL with the configured headers; any
 * 2xx answer means delivered. Header values are secrets (e.g. an Authorization token): they go on
 * the wire and nowhere else.
 */
public final class WebhookChannel extends ConfiguredChannel {
  private final WebClient client;
  private final AgentConfig.Webhook config;
  private final Duration timeout;

  public WebhookChannel(String name, WebClient client, AgentConfig.Webhook config, Duration timeout) {
    super(name, config.minSeverity(), config.degraded());
    this.client = client;
    this.config = config;
    this.timeout = timeout;
  }



  @Override
  public Future<Void> send(Notification n) {
    var request = client.postAbs(config.url()).timeout(timeout.toMillis());
    for (Map.Entry<String, Secret> h : config.headers().entrySet()) {
      request.putHeader(h.getKey(), h.getValue().reveal());
    }
    String peer = DeliveryException.peer(config.url());
    return request
        .sendJsonObject(NotificationJson.toJson(n))
        .recover(
            e ->
                Future.failedFuture(
                    new DeliveryException(
                        name, "POST to " + peer + " failed: " + DeliveryException.describe(e), e)))
        .compose(
            response -> {
              if (response.statusCode() / 100 == 2) {
                return Future.succeededFuture();
              }
              return Future.failedFuture(
                  new DeliveryException(
                      name, peer + " answered HTTP " + response.statusCode() + " to the POST"));
            });
  }
}
