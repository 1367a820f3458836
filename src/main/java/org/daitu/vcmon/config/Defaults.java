package org.daitu.vcmon.config;

import java.time.Duration;
import org.daitu.vcmon.inventory.RolloutStage;

/** Every default of the agent config, in one place (the example config documents the same). */
public final class Defaults {
  private Defaults() {}

  public static final String HTTP_HOST = "0.0.0.0";
  public static final int HTTP_PORT = 8080;

  public static final Duration INTERVAL = Duration.ofSeconds(30);
  public static final Duration TIMEOUT = Duration.ofSeconds(2);
  public static final Duration RECHECK_INTERVAL = Duration.ofSeconds(5);

  public static final int ICMP_PACKETS = 5;
  /** 5 echoes 200 ms apart: a check takes about a second and costs a few hundred bytes/s. */
  public static final Duration ICMP_PERIOD = Duration.ofMillis(200);

  public static final String FPING = "fping";
  public static final int ICMP_BATCH_SIZE = 500;

  public static final int SNMP_RETRIES = 1;
  public static final int SNMP_MAX_INTERFACES = 64;
  public static final int SNMP_PORT = 161;

  public static final int DOWN_AFTER = 3;
  public static final int UP_AFTER = 2;
  public static final double DEGRADED_LOSS_RATIO = 0.5;
  public static final Duration DEGRADED_RTT = Duration.ofMillis(500);
  public static final int FLAP_CHANGES = 6;
  public static final Duration FLAP_WINDOW = Duration.ofMinutes(15);

  public static final String STORE_PATH = "data/vcmon.db";

  /** Days, months and weekly maintenance windows are in the district's time zone. */
  public static final String TIMEZONE = "Asia/Ho_Chi_Minh";

  public static final int SELF_CHECK_DOWN_AFTER = 2;

  /** An admin token shorter than this is too easy to guess. */
  public static final int ADMIN_TOKEN_MIN_LENGTH = 16;

  /** Language of alert messages: vi (default) or en. */
  public static final String ALERT_LANGUAGE = "vi";
  /** Changes this close together are gathered, so a district link failure is one message. */
  public static final Duration DIGEST_WINDOW = Duration.ofSeconds(10);
  public static final int DIGEST_MIN_SITES = 3;
  /** A short dip in quality is common on rural links; only a lasting one is worth a warning. */
  public static final Duration DEGRADED_AFTER = Duration.ofMinutes(10);
  /** Zero: no reminders while a site stays DOWN. */
  public static final Duration REMINDER_INTERVAL = Duration.ZERO;
  public static final String MIN_SEVERITY = "warning";
  public static final String TELEGRAM_API_BASE = "https://api.telegram.org";
  public static final int SMTP_PORT = 587;
  public static final boolean SMTP_STARTTLS = true;
  public static final Duration ALERTMANAGER_RESEND = Duration.ofMinutes(1);
  /** The readiness summary goes out this long before a meeting: time to call a commune. */
  public static final Duration MEETING_LEAD = Duration.ofMinutes(30);

  /**
   * A site without a stage is installed: listed in the config, so its room is expected to answer.
   * Only sites marked {@code planned} are not.
   */
  public static final RolloutStage ROLLOUT_STAGE = RolloutStage.INSTALLED;
}
