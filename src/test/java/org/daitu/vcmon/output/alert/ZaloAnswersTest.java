package org.daitu.vcmon.output.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.daitu.vcmon.output.alert.ZaloAnswers.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What Zalo's answers mean, as tables: delivered, retried, refused for good, token refused. */
class ZaloAnswersTest {

  @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "200 | {\"ok\":true,\"result\":{\"message_id\":\"m1\"}}                                  | DELIVERED",
        "200 | {\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot not in chat\"} | PERMANENT",
        "403 | {\"ok\":false,\"error_code\":403,\"description\":\"Forbidden\"}                   | PERMANENT",
        "200 | {\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"} | PERMANENT",
        "200 | {\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}                | RETRY",
        "200 | {\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests\"}           | RETRY",
        "502 | {\"ok\":true}                                                                  | RETRY",
        "200 | {\"result\":{}}                                                                | RETRY",
        "500 |                                                                              | RETRY",
      })
  void botAnswers(int status, String body, Outcome expected) {
    assertThat(ZaloAnswers.bot(status, body == null ? null : new JsonObject(body)).outcome()).isEqualTo(expected);
  }

  @Test
  void botRefusalDetailQuotesCodeAndDescription() {
    var v = ZaloAnswers.bot(200, new JsonObject("{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot not in chat\"}"));
    assertThat(v.detail()).isEqualTo("error_code 403: Forbidden: bot not in chat; add the bot to the group or fix chat_id");
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "200 | {\"error\":0,\"message\":\"Success\",\"data\":{\"message_id\":\"x\"}}   | DELIVERED",
        "200 | {\"error\":-216,\"message\":\"Access token is invalid\"}               | TOKEN_REJECTED",
        "200 | {\"error\":-124,\"message\":\"Access token has expired\"}              | TOKEN_REJECTED",
        "200 | {\"error\":-213,\"message\":\"User has not followed the OA\"}          | PERMANENT",
        "200 | {\"error\":-201,\"message\":\"Parameters are invalid\"}                | PERMANENT",
        "200 | {\"error\":-230,\"message\":\"User has not interacted with the OA\"}   | PERMANENT",
        "200 | {\"error\":-32,\"message\":\"Exceeded the rate limit\"}                | RETRY",
        "200 | {\"error\":\"-216\",\"message\":\"Access token is invalid\"}           | TOKEN_REJECTED",
        "503 | {\"error\":0}                                                        | RETRY",
        "200 | {\"message\":\"?\"}                                                  | RETRY",
        "502 |                                                                    | RETRY",
      })
  void oaAnswers(int status, String body, Outcome expected) {
    assertThat(ZaloAnswers.oa(status, body == null ? null : new JsonObject(body)).outcome()).isEqualTo(expected);
  }

  @Test
  void oaPermanentDetailSaysWhatToDo() {
    var v = ZaloAnswers.oa(200, new JsonObject("{\"error\":-213,\"message\":\"User has not followed the OA\"}"));
    assertThat(v.detail())
        .startsWith("error -213: User has not followed the OA; ")
        .contains("have them follow it, or fix user_ids");
  }

  @ParameterizedTest(name = "expires_in {0} -> {1}s")
  @CsvSource(
      value = {"90000, 90000", "'  3600 ', 3600", "0, 3600", "-5, 3600", "soon, 3600", "'', 3600"})
  void lifetimeFromAStringOfSeconds(String expiresIn, long seconds) {
    assertThat(ZaloAnswers.lifetime(expiresIn)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @Test
  void lifetimeFromANumberOrNothing() {
    assertThat(ZaloAnswers.lifetime(90000)).isEqualTo(Duration.ofSeconds(90000));
    assertThat(ZaloAnswers.lifetime(null)).isEqualTo(ZaloAnswers.UNKNOWN_LIFETIME);
  }

  @Test
  void renewalIsDueTenMinutesBeforeExpiryOrAtHalfOfAShortLife() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    Instant day = t0.plusSeconds(90000);
    assertThat(ZaloAnswers.renewDue(t0, null, null)).as("no token yet").isTrue();
    assertThat(ZaloAnswers.renewDue(t0.plusSeconds(89000), t0, day)).isFalse();
    assertThat(ZaloAnswers.renewDue(t0.plusSeconds(89400), t0, day)).as("10 min ahead").isTrue();
    assertThat(ZaloAnswers.renewDue(t0.plusSeconds(95000), t0, day)).as("expired").isTrue();
    Instant minute = t0.plusSeconds(60);
    assertThat(ZaloAnswers.renewDue(t0.plusSeconds(29), t0, minute)).isFalse();
    assertThat(ZaloAnswers.renewDue(t0.plusSeconds(30), t0, minute)).as("half of a short life").isTrue();
  }

  @Test
  void textIsTitleBlankLineTextCutToTheLimit() {
    Notification n = NotificationJsonTest.down("cat-ne", "Cát Nê");
    assertThat(ZaloAnswers.text(n)).isEqualTo("Cát Nê mất kết nối\n\nPhòng họp Cát Nê không phản hồi <ping> & SNMP");
    Notification longOne =
        new Notification(
            "k", n.kind(), n.severity(), false, n.at(), "T", "x".repeat(5000), List.of());
    String cut = ZaloAnswers.text(longOne);
    assertThat(cut).hasSize(ZaloAnswers.MAX_TEXT).endsWith("…").startsWith("T\n\nxxx");
  }
}
