package org.daitu.vcmon.output.alert;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.store.Backoff;
import org.daitu.vcmon.store.ChannelToken;
import org.daitu.vcmon.store.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access token of one Zalo Official Account app, shared by the channels that send through it
 * (one per user). An access token lives about a day; a new one comes from {@code POST
 * {oauth_base}/v4/oa/access_token} (header {@code secret_key}, form {@code refresh_token}, {@code
 * app_id}, {@code grant_type=refresh_token}) with a refresh token that can be used only once: the
 * answer carries the next one, which is kept in the store under {@code zalo_oa:<app_id>} before
 * anything else, so that a restart goes on with it. The configured refresh token only starts the
 * chain: it is used when the store has none, or when it differs from the one that started the
 * stored chain (the operator authorized the app again).
 *
 * <p>Renewed when a token is first needed, at the first {@code tick} after {@link #start()} (an
 * early sign of a bad secret or a spent refresh token), {@link ZaloAnswers#RENEW_BEFORE} before it
 * expires (checked every {@code tick}, so a quiet OA keeps its chain alive), and when the API
 * refuses it ({@link #renew}); concurrent needs share one refresh. A failed renewal on the timer
 * is logged and tried again after a backoff (10 s doubling to 30 min). Neither token is ever logged,
 * put in an error or shown by {@code toString}.
 *
 * <p>Confined to the outbox's context (where the channels send and {@link #start()} is called).
 */
final class ZaloOaTokens {
  private static final Logger LOG = LoggerFactory.getLogger(ZaloOaTokens.class);
  private static final Backoff RETRY = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(30));

  private final Vertx vertx;
  private final WebClient client;
  private final AgentConfig.ZaloOa config;
  private final TokenStore store;
  private final Clock clock;
  private final Duration timeout;
  private final Duration tick;
  private final String identity;
  private final String seedDigest;

  private boolean loaded;
  private String refreshToken;
  private String accessToken;
  private Instant obtainedAt;
  private Instant expiresAt;
  private Future<String> refreshing;
  private long timer = -1;
  private int failures;
  private Instant nextTry = Instant.MIN;

  /**
   * @param tick how often the timer started by {@link #start()} checks whether renewal is due
   */
  ZaloOaTokens(
      Vertx vertx,
      WebClient client,
      AgentConfig.ZaloOa config,
      TokenStore store,
      Clock clock,
      Duration timeout,
      Duration tick) {
    this.vertx = vertx;
    this.client = client;
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.timeout = timeout;
    this.tick = tick;
    this.identity = "zalo_oa:" + config.appId();
    this.seedDigest = sha256(config.refreshToken().reveal());
  }

  /** The key of this app's row in the store's {@code channel_token} table. */
  String identity() {
    return identity;
  }

  /** Starts renewing ahead of expiry. Idempotent; call on the owning context. */
  void start() {
    if (timer >= 0) {
      return;
    }
    timer =
        vertx.setPeriodic(
            tick.toMillis(),
            id -> {
              Instant now = clock.instant();
              if (refreshing == null && now.isAfter(nextTry) && ZaloAnswers.renewDue(now, obtainedAt, expiresAt)) {
                refresh().onFailure(e -> LOG.warn("Zalo OA access token not renewed app_id={} next_try={} error=\"{}\"", config.appId(), nextTry, DeliveryException.describe(e)));
              }
            });
  }

  void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** A valid access token: the one held, or a new one when none is held or it is due for renewal. */
  Future<String> current() {
    if (accessToken != null && !ZaloAnswers.renewDue(clock.instant(), obtainedAt, expiresAt)) {
      return Future.succeededFuture(accessToken);
    }
    return refresh();
  }

  /**
   * A new access token after the API refused {@code rejected}; when another sender has already
   * replaced it, that newer token, so that one refusal costs one refresh however many users wait.
   */
  Future<String> renew(String rejected) {
    if (accessToken != null && !accessToken.equals(rejected)) {
      return Future.succeededFuture(accessToken);
    }
    accessToken = null;
    return refresh();
  }

  private Future<String> refresh() {
    if (refreshing != null) {
      return refreshing;
    }
    Future<String> f =
        load()
            .compose(v -> exchange())
            .onSuccess(t -> failures = 0)
            .onFailure(e -> nextTry = clock.instant().plus(RETRY.delay(++failures)));
    refreshing = f;
    return f.eventually(() -> {
      refreshing = null;
      return Future.succeededFuture();
    });
  }

  /** Picks the refresh token to use: the stored one when it continues the configured chain. */
  private Future<Void> load() {
    if (loaded) {
      return Future.succeededFuture();
    }
    return store
        .channelToken(identity)
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "cannot read the kept Zalo OA refresh token from the store: " + DeliveryException.describe(e))))
        .map(
            stored -> {
              if (!loaded) {
                loaded = true;
                if (stored.isPresent() && stored.get().seedDigest().equals(seedDigest)) {
                  refreshToken = stored.get().refreshToken();
                  LOG.info(
                      "Zalo OA refresh token taken from the store app_id={} received_at={}",
                      config.appId(),
                      stored.get().updatedAt());
                } else {
                  refreshToken = config.refreshToken().reveal();
                  LOG.info(
                      "Zalo OA refresh token taken from the configuration app_id={} reason={}",
                      config.appId(),
                      stored.isPresent() ? "configured token changed" : "none stored yet");
                }
              }
              return null;
            });
  }

  private Future<String> exchange() {
    String peer = DeliveryException.peer(config.oauthBase());
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("refresh_token", refreshToken)
            .add("app_id", config.appId())
            .add("grant_type", "refresh_token");
    return client
        .postAbs(config.oauthBase() + "/v4/oa/access_token")
        .timeout(timeout.toMillis())
        .putHeader("secret_key", config.secretKey().reveal())
        .sendForm(form)
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "access token request to " + peer + " failed: " + scrub(DeliveryException.describe(e)))))
        .compose(response -> accept(response, peer));
  }

  private Future<String> accept(HttpResponse<Buffer> response, String peer) {
    JsonObject answer;
    try {
      answer = response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      answer = null;
    }
    String access = answer == null ? null : stringOrNull(answer.getValue("access_token"));
    String next = answer == null ? null : stringOrNull(answer.getValue("refresh_token"));
    if (access == null || access.isEmpty() || next == null || next.isEmpty()) {
      String why =
          answer == null
              ? "HTTP " + response.statusCode() + " without a JSON answer"
              : "error " + answer.getValue("error") + ": "
                  + firstNonNull(
                      stringOrNull(answer.getValue("error_description")),
                      stringOrNull(answer.getValue("error_name")),
                      stringOrNull(answer.getValue("message")),
                      "no description");
      return Future.failedFuture(
          new IllegalStateException(
              "Zalo OAuth at " + peer + " refused to renew the access token of app " + config.appId() + ": "
                  + scrub(why)
                  + "; if the refresh token is no longer valid, authorize the app again and give the new"
                  + " refresh token in refresh_token_env"));
    }
    Instant now = clock.instant();
    refreshToken = next;
    accessToken = access;
    obtainedAt = now;
    expiresAt = now.plus(ZaloAnswers.lifetime(answer.getValue("expires_in")));
    LOG.info("Zalo OA access token renewed app_id={} expires_at={}", config.appId(), expiresAt);
    // The old refresh token is spent: the new one must outlive this process. While the disk
    // refuses writes the store holds this one until it can write it; the message does not wait
    // for that longer than a delivery may take.
    Promise<String> ready = Promise.promise();
    long wait =
        vertx.setTimer(
            timeout.toMillis(),
            id -> {
              if (ready.tryComplete(access)) {
                LOG.warn(
                    "Zalo OA refresh token not written to the store yet (held until the disk takes writes)"
                        + " app_id={}",
                    config.appId());
              }
            });
    store
        .saveChannelToken(identity, new ChannelToken(next, seedDigest, now))
        .onComplete(
            ar -> {
              vertx.cancelTimer(wait);
              if (ar.failed()) {
                LOG.error(
                    "Zalo OA refresh token not kept in the store: after a restart the app must be authorized"
                        + " again app_id={} error=\"{}\"",
                    config.appId(),
                    DeliveryException.describe(ar.cause()));
              }
              ready.tryComplete(access);
            });
    return ready.future();
  }

  /** Error texts may quote what was sent: never let a token through. */
  String scrub(String message) {
    String s = message;
    for (String secret : new String[] {refreshToken, accessToken, config.secretKey().reveal(), config.refreshToken().reveal()}) {
      if (secret != null && !secret.isEmpty()) {
        s = s.replace(secret, "<secret>");
      }
    }
    return s;
  }

  @Override
  public String toString() {
    return "ZaloOaTokens[" + identity + "]";
  }

  private static String stringOrNull(Object v) {
    return v == null ? null : String.valueOf(v);
  }

  private static String firstNonNull(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
