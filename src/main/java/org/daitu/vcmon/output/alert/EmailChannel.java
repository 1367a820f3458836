package org.daitu.vcmon.output.alert;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;

/**
 * Sends a plain-text e-mail over SMTP: subject = title, body = text, UTF-8 (Vietnamese names must
 * arrive intact). With {@code starttls} the upgrade is required, never silently skipped, so a
 * password never crosses the wire in clear; with a username it authenticates (PLAIN or LOGIN).
 */
public final class EmailChannel extends ConfiguredChannel {
  private final Vertx vertx;
  private final AgentConfig.Email config;
  private final Duration timeout;
  private final MailClient client;

  public EmailChannel(String name, Vertx vertx, AgentConfig.Email config, Duration timeout) {
    this(name, vertx, config, timeout, null);
  }

  /**
   * @param trust certificates to trust for STARTTLS instead of the JVM's (a private CA); null for
   *     the JVM's
   */
  public EmailChannel(
      String name, Vertx vertx, AgentConfig.Email config, Duration timeout, TrustOptions trust) {
    super(name, config.minSeverity(), config.degraded());
    this.vertx = vertx;
    this.config = config;
    this.timeout = timeout;
    MailConfig mail =
        new MailConfig()
            .setHostname(config.host())
            .setPort(config.port())
            .setStarttls(config.starttls() ? StartTLSOptions.REQUIRED : StartTLSOptions.DISABLED)
            .setConnectTimeout((int) timeout.toMillis())
            .setKeepAlive(false);
    if (trust != null) {
      mail.setTrustOptions(trust);
    }
    if (config.username() != null && !config.username().isBlank()) {
      mail.setLogin(LoginOption.REQUIRED)
          .setAuthMethods("PLAIN LOGIN")
          .setUsername(config.username())
          .setPassword(config.password() == null ? "" : config.password().reveal());
    } else {
      mail.setLogin(LoginOption.DISABLED);
    }
    this.client = MailClient.create(vertx, mail);
  }



  @Override
  public Future<Void> send(Notification n) {
    MailMessage message =
        new MailMessage()
            .setFrom(config.from())
            .setTo(config.to())
            .setSubject(n.title())
            .setText(n.text());
    String peer = config.host() + ":" + config.port();
    return client
        .sendMail(message)
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(
            e ->
                Future.failedFuture(
                    new DeliveryException(
                        name,
                        "SMTP " + peer + " did not take the mail: " + scrub(DeliveryException.describe(e)))));
  }

  private String scrub(String message) {
    String password = config.password() == null ? "" : config.password().reveal();
    return password.isEmpty() ? message : message.replace(password, "<password>");
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
