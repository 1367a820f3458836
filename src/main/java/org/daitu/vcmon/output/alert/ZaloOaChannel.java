package org.daitu.vcmon.output.alert;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import org.daitu.vcmon.config.AgentConfig;

/**
 * A consultation message from a Zalo Official Account to one user ({@code POST
 * {api_base}/v3.0/oa/message/cs}, header {@code access_token}, JSON {@code
 * {"recipient":{"user_id"},"message":{"text"}}}). One channel per user of a {@code zalo_oa} entry,
 * so that each user has its own place in the outbox: a user who stopped following does not hold
 * the others back, and a retry never sends twice to a user who already got the message.
 *
 * <p>The OA answers HTTP 200 with a non-zero {@code error} for a refusal ({@link ZaloAnswers#oa}):
 * a refused access token is renewed once ({@link ZaloOaTokens#renew}) and the message sent again;
 * a user who does not follow is refused for good. Tokens never appear in a failure.
 */
public final class ZaloOaChannel extends ConfiguredChannel {
  private final WebClient client;
  private final AgentConfig.ZaloOa config;
  private final String userId;
  private final ZaloOaTokens tokens;
  private final Duration timeout;

  ZaloOaChannel(
      String name, WebClient client, AgentConfig.ZaloOa config, String userId, ZaloOaTokens tokens, Duration timeout) {
    super(name, config.minSeverity(), config.degraded());
    this.client = client;
    this.config = config;
    this.userId = userId;
    this.tokens = tokens;
    this.timeout = timeout;
  }

  @Override
  public void start() {
    tokens.start();
  }

  @Override
  public Future<Void> close() {
    tokens.close();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> send(Notification n) {
    JsonObject body =
        new JsonObject()
            .put("recipient", new JsonObject().put("user_id", userId))
            .put("message", new JsonObject().put("text", ZaloAnswers.text(n)));
    return tokens
        .current()
        .recover(e -> Future.failedFuture(new DeliveryException(name, tokens.scrub(DeliveryException.describe(e)))))
        .compose(token -> attempt(token, body, true));
  }

  private Future<Void> attempt(String token, JsonObject body, boolean mayRenew) {
    String peer = DeliveryException.peer(config.apiBase());
    return client
        .postAbs(config.apiBase() + "/v3.0/oa/message/cs")
        .timeout(timeout.toMillis())
        .putHeader("access_token", token)
        .sendJsonObject(body)
        .recover(
            e ->
                Future.failedFuture(
                    new DeliveryException(
                        name, "message to " + peer + " failed: " + tokens.scrub(DeliveryException.describe(e)))))
        .compose(
            response -> {
              JsonObject answer;
              try {
                answer = response.bodyAsJsonObject();
              } catch (RuntimeException e) {
                answer = null;
              }
              ZaloAnswers.Verdict v = ZaloAnswers.oa(response.statusCode(), answer);
              String why =
                  "Zalo OA API at " + peer + " refused the message to user " + userId + ": " + tokens.scrub(v.detail());
              switch (v.outcome()) {
                case DELIVERED:
                  return Future.succeededFuture();
                case PERMANENT:
                  return Future.failedFuture(DeliveryException.permanent(name, why));
                case TOKEN_REJECTED:
                  if (mayRenew) {
                    return tokens
                        .renew(token)
                        .recover(e -> Future.failedFuture(new DeliveryException(name, tokens.scrub(DeliveryException.describe(e)))))
                        .compose(fresh -> attempt(fresh, body, false));
                  }
                  return Future.failedFuture(
                      new DeliveryException(name, why + " (with an access token just renewed); check app_id and secret_key_env"));
                default:
                  return Future.failedFuture(new DeliveryException(name, why));
              }
            });
  }
}
