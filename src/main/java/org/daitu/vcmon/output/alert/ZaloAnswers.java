package org.daitu.vcmon.output.alert;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What Zalo's answers mean, without any I/O: both the Bot Platform and the OA API answer HTTP 200
 * with the outcome in the JSON body, so the body decides whether a message was delivered, should
 * be retried, can never be delivered, or was refused for its access token. Also the text sent and
 * when an OA access token is due for renewal. Stateless.
 */
final class ZaloAnswers {
  /** The most a Zalo text message carries (OA consultation text: 2000 characters). */
  static final int MAX_TEXT = 2000;
  /** An OA access token is renewed this long before it expires. */
  static final Duration RENEW_BEFORE = Duration.ofMinutes(10);
  /** Used when a token answer has no usable {@code expires_in}: renewed within the hour. */
  static final Duration UNKNOWN_LIFETIME = Duration.ofHours(1);

  /** OA errors that say the access token is no good: renew it and send again. */
  static final Set<Integer> OA_TOKEN_REJECTED = Set.of(-216, -124);

  /**
   * OA errors no retry can change, with what to do about them: the same user and text would be
   * refused again until someone changes the config or the user acts.
   */
  static final Map<Integer, String> OA_PERMANENT =
      Map.of(
          -213, "the user does not follow the OA (or is unknown to it); have them follow it, or fix user_ids",
          -201, "the request was refused as invalid; check the user_id in user_ids",
          -230, "the user has not written to the OA lately (consultation messages need a recent"
              + " interaction); have them send the OA a message");

  private ZaloAnswers() {}

  enum Outcome {
    DELIVERED,
    /** Failed this time; the outbox retries with backoff. */
    RETRY,
    /** Refused for good; the outbox stops retrying the item. */
    PERMANENT,
    /** The OA access token was refused: renew it once and send again. */
    TOKEN_REJECTED
  }

  /** @param detail what the API said, for a failure's message; empty when delivered */
  record Verdict(Outcome outcome, String detail) {
    static final Verdict DELIVERED = new Verdict(Outcome.DELIVERED, "");
  }

  /**
   * A Bot Platform {@code sendMessage} answer: {@code {"ok":true,"result":{...}}} or {@code
   * {"ok":false,"error_code":N,"description":"..."}}. A bot that is not in the chat (403) or a
   * chat that does not exist is permanent; anything else (a bad token, too many requests, a server
   * error, no JSON at all) is retried.
   */
  static Verdict bot(int status, JsonObject body) {
    if (body != null && Boolean.TRUE.equals(safeBoolean(body, "ok")) && status / 100 == 2) {
      return Verdict.DELIVERED;
    }
    if (body == null) {
      return new Verdict(Outcome.RETRY, "HTTP " + status + " without a Bot API answer");
    }
    Integer code = safeInteger(body, "error_code");
    String description = safeString(body, "description");
    String detail =
        "error_code " + (code == null ? status : code) + ": " + (description == null ? "no description" : description);
    boolean chatGone =
        description != null && description.toLowerCase(Locale.ROOT).contains("chat not found");
    if ((code != null && code == 403) || (code == null && status == 403) || chatGone) {
      return new Verdict(Outcome.PERMANENT, detail + "; add the bot to the group or fix chat_id");
    }
    return new Verdict(Outcome.RETRY, detail);
  }

  /**
   * An OA API answer: {@code {"error":0,"message":"Success","data":{...}}} or a non-zero {@code
   * error} with its {@code message}.
   */
  static Verdict oa(int status, JsonObject body) {
    if (body == null) {
      return new Verdict(Outcome.RETRY, "HTTP " + status + " without an OA API answer");
    }
    Integer error = safeInteger(body, "error");
    String message = safeString(body, "message");
    if (error != null && error == 0 && status / 100 == 2) {
      return Verdict.DELIVERED;
    }
    String detail = "error " + error + ": " + (message == null ? "no message" : message);
    if (error == null) {
      return new Verdict(Outcome.RETRY, "HTTP " + status + ", an answer without an error code");
    }
    if (OA_TOKEN_REJECTED.contains(error)) {
      return new Verdict(Outcome.TOKEN_REJECTED, detail);
    }
    String fix = OA_PERMANENT.get(error);
    if (fix != null) {
      return new Verdict(Outcome.PERMANENT, detail + "; " + fix);
    }
    return new Verdict(Outcome.RETRY, detail);
  }

  /**
   * {@code expires_in} of a token answer: seconds as a string ({@code "90000"}), or a number;
   * {@link #UNKNOWN_LIFETIME} when absent or unreadable.
   */
  static Duration lifetime(Object expiresIn) {
    try {
      long seconds =
          expiresIn instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(expiresIn).strip());
      return seconds > 0 ? Duration.ofSeconds(seconds) : UNKNOWN_LIFETIME;
    } catch (NumberFormatException e) {
      return UNKNOWN_LIFETIME;
    }
  }

  /**
   * Whether an access token expiring at {@code expiresAt} (null: none yet) must be renewed at
   * {@code now}: {@link #RENEW_BEFORE} ahead, or half its lifetime ahead for a short-lived one.
   */
  static boolean renewDue(Instant now, Instant obtainedAt, Instant expiresAt) {
    if (expiresAt == null || obtainedAt == null) {
      return true;
    }
    Duration lifetime = Duration.between(obtainedAt, expiresAt);
    Duration ahead = lifetime.dividedBy(2).compareTo(RENEW_BEFORE) < 0 ? lifetime.dividedBy(2) : RENEW_BEFORE;
    return !now.isBefore(expiresAt.minus(ahead));
  }

  /** The message as Zalo shows it: title, blank line, text; plain text, cut to {@link #MAX_TEXT}. */
  static String text(Notification n) {
    String s = n.title() + "\n\n" + n.text();
    if (s.length() <= MAX_TEXT) {
      return s;
    }
    int end = MAX_TEXT - 1;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "…";
  }

  private static Boolean safeBoolean(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v instanceof Boolean b ? b : null;
  }

  private static Integer safeInteger(JsonObject o, String key) {
    Object v = o.getValue(key);
    if (v instanceof Number n) {
      return n.intValue();
    }
    if (v instanceof String s) {
      try {
        return Integer.parseInt(s.strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static String safeString(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v == null ? null : String.valueOf(v);
  }
}
