package org.daitu.vcmon.output.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Notification to JSON and back: the webhook contract and the outbox payload. */
class NotificationJsonTest {
  static final Instant AT = Instant.parse("2020-08-12T00:42:10.115Z");

  static Notification down(String site, String name) {
    return new Notification(
        "site:" + site + ":DOWN:" + AT,
        Notification.Kind.SITE,
        Notification.Severity.CRITICAL,
        false,
        AT,
        name + " mất kết nối",
        "Phòng họp " + name + " không phản hồi <ping> & SNMP",
        List.of(
            new Notification.SiteLine(
                site, name, "DOWN", "UP", AT.minus(Duration.ofSeconds(90)), "no ping answer")));
  }

  @Test
  void writesTheWebhookContractWithTheExtraFields() {
    JsonObject json = NotificationJson.toJson(down("cat-ne", "Cát Nê"));
    assertThat(json.getString("kind")).isEqualTo("site");
    assertThat(json.getString("severity")).isEqualTo("critical");
    assertThat(json.getBoolean("resolved")).isFalse();
    assertThat(json.getString("at")).isEqualTo("2020-08-12T00:42:10.115Z");
    assertThat(json.getString("key")).isEqualTo("site:cat-ne:DOWN:2020-08-12T00:42:10.115Z");
    JsonObject site = json.getJsonArray("sites").getJsonObject(0);
    assertThat(site.fieldNames())
        .containsExactlyInAnyOrder("id", "name", "state", "previous_state", "since", "reason");
    assertThat(site.getString("name")).isEqualTo("Cát Nê");
    assertThat(site.getString("previous_state")).isEqualTo("UP");
    assertThat(site.getString("since")).isEqualTo("2020-08-12T00:40:40.115Z");
  }

  @Test
  void roundTripsEveryField() {
    Notification n = down("cat-ne", "Cát Nê");
    assertThat(NotificationJson.parse(NotificationJson.toJson(n).encode())).isEqualTo(n);
    Notification digest =
        new Notification(
            "digest:1", Notification.Kind.DIGEST, Notification.Severity.WARNING, true, AT, "t", "x",
            List.of(new Notification.SiteLine("a", "A", "UP", null, null, null)));
    assertThat(NotificationJson.parse(NotificationJson.toJson(digest).encode())).isEqualTo(digest);
  }

  @Test
  void badPayloadsNameWhatIsWrong() {
    assertThatThrownBy(() -> NotificationJson.parse("{\"kind\":\"site\"}"))
        .hasMessage("notification payload has no \"key\"");
    assertThatThrownBy(() -> NotificationJson.severity("major"))
        .hasMessage("unknown severity \"major\": use info, warning or critical");
  }

  @Test
  void acceptsByMinimumSeverityAndDegradedOptIn() {
    Notification critical = down("cat-ne", "Cát Nê");
    Notification degraded =
        new Notification(
            "k", Notification.Kind.SITE, Notification.Severity.WARNING, false, AT, "t", "x",
            List.of(new Notification.SiteLine("a", "A", "DEGRADED", "UP", AT, "loss")));
    Notification recovered =
        new Notification(
            "r", Notification.Kind.SITE, Notification.Severity.INFO, true, AT, "t", "x",
            List.of(new Notification.SiteLine("a", "A", "DEGRADED", "DOWN", AT, "")));
    assertThat(Acceptance.of("critical", true).accepts(critical)).isTrue();
    assertThat(Acceptance.of("critical", true).accepts(degraded)).isFalse();
    assertThat(Acceptance.of("warning", false).accepts(degraded)).isFalse();
    assertThat(Acceptance.of("warning", true).accepts(degraded)).isTrue();
    assertThat(Acceptance.of("info", false).accepts(recovered)).isTrue();
    assertThat(Acceptance.of("warning", false).accepts(recovered)).isFalse();
  }

  @Test
  void telegramHtmlEscapesAndBoldsTheTitle() {
    assertThat(TelegramChannel.html(down("cat-ne", "Cát Nê")))
        .isEqualTo(
            "<b>Cát Nê mất kết nối</b>\n\nPhòng họp Cát Nê không phản hồi &lt;ping&gt; &amp; SNMP");
  }

  @Test
  void backoffDoublesFromOneSecondUpToFiveMinutes() {
    assertThat(Outbox.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(Outbox.backoff(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(Outbox.backoff(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(Outbox.backoff(9)).isEqualTo(Duration.ofSeconds(256));
    assertThat(Outbox.backoff(10)).isEqualTo(Duration.ofMinutes(5));
    assertThat(Outbox.backoff(1000)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aClusterNoticeCarriesItsMemberAndRoundTrips() {
    Notification left =
        new Notification(
            "member:dai-tu:left:1751328005123", Notification.Kind.CLUSTER, Notification.Severity.WARNING,
            false, AT, "[WARNING] vcmon dai-tu lost contact with the cluster", "text", List.of(),
            new Notification.MemberLine("dai-tu", "127.0.0.22:7800", Instant.ofEpochMilli(1751328005123L)));
    JsonObject json = NotificationJson.toJson(left);
    assertThat(json.getString("kind")).isEqualTo("cluster");
    assertThat(json.getJsonArray("sites")).isEmpty();
    assertThat(json.getJsonObject("member").getMap())
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("vantage", "dai-tu", "address", "127.0.0.22:7800", "since", "2025-07-01T00:00:05.123Z"));
    assertThat(NotificationJson.parse(json.encode())).isEqualTo(left);
    assertThat(NotificationJson.toJson(down("cat-ne", "Cát Nê")).containsKey("member")).as("only cluster notices").isFalse();
  }
}
