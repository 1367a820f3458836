package org.daitu.vcmon.config;

import java.time.Duration;
import org.daitu.vcmon.inventory.RolloutStage;

/**
 * The defaults of the agent config as typed constants, read from {@link ConfigKeys} (the one table
 * of keys), plus the few fixed limits that are not keys. The example config documents the same.
 */
public final class Defaults {
  private Defaults() {}

  public static final String HTTP_HOST = (String) ConfigKeys.HTTP_HOST.def();
  public static final int HTTP_PORT = ConfigKeys.HTTP_PORT.intDefault();

  public static final Duration INTERVAL = ConfigKeys.PROBE_INTERVAL.durationDefault();
  public static final Duration TIMEOUT = ConfigKeys.PROBE_TIMEOUT.durationDefault();
  public static final Duration RECHECK_INTERVAL =
      ConfigKeys.PROBE_RECHECK_INTERVAL.durationDefault();

  public static final int ICMP_PACKETS = ConfigKeys.ICMP_PACKETS.intDefault();
  public static final Duration ICMP_PERIOD = ConfigKeys.ICMP_PERIOD.durationDefault();

  public static final String FPING = (String) ConfigKeys.ICMP_FPING.def();
  public static final int ICMP_BATCH_SIZE = ConfigKeys.ICMP_BATCH_SIZE.intDefault();

  public static final int SNMP_RETRIES = ConfigKeys.SNMP_RETRIES.intDefault();
  public static final Duration SNMP_INTERVAL = ConfigKeys.SNMP_INTERVAL.durationDefault();
  public static final int SNMP_MAX_INTERFACES = ConfigKeys.SNMP_MAX_INTERFACES.intDefault();
  public static final int SNMP_PORT = ConfigKeys.SITE_SNMP_PORT.intDefault();

  public static final int DOWN_AFTER = ConfigKeys.STATE_DOWN_AFTER.intDefault();
  public static final int UP_AFTER = ConfigKeys.STATE_UP_AFTER.intDefault();
  public static final double DEGRADED_LOSS_RATIO = (Double) ConfigKeys.DEGRADED_LOSS_RATIO.def();
  public static final Duration DEGRADED_RTT = ConfigKeys.DEGRADED_RTT.durationDefault();
  public static final int FLAP_CHANGES = ConfigKeys.FLAP_CHANGES.intDefault();
  public static final Duration FLAP_WINDOW = ConfigKeys.FLAP_WINDOW.durationDefault();

  public static final String STORE_PATH = (String) ConfigKeys.STORE_PATH.def();

  /** Days, months and weekly maintenance windows are in the district's time zone. */
  public static final String TIMEZONE = (String) ConfigKeys.TIMEZONE.def();

  public static final int SELF_CHECK_DOWN_AFTER = ConfigKeys.SELF_CHECK_DOWN_AFTER.intDefault();

  /** An admin token shorter than this is too easy to guess. */
  public static final int ADMIN_TOKEN_MIN_LENGTH = 16;

  /** Language of alert messages: vi (default) or en. */
  public static final String ALERT_LANGUAGE = (String) ConfigKeys.ALERTS_LANGUAGE.def();
  public static final Duration DIGEST_WINDOW = ConfigKeys.DIGEST_WINDOW.durationDefault();
  public static final int DIGEST_MIN_SITES = ConfigKeys.DIGEST_MIN_SITES.intDefault();
  /** A short dip in quality is common on rural links; only a lasting one is worth a warning. */
  public static final Duration DEGRADED_AFTER = ConfigKeys.ALERTS_DEGRADED_AFTER.durationDefault();
  /** Zero: no reminders while a site stays DOWN. */
  public static final Duration REMINDER_INTERVAL =
      ConfigKeys.ALERTS_REMINDER_INTERVAL.durationDefault();
  public static final String MIN_SEVERITY = (String) ConfigKeys.WEBHOOK_MIN_SEVERITY.def();
  public static final String TELEGRAM_API_BASE = (String) ConfigKeys.TELEGRAM_API_BASE.def();
  public static final String ZALO_BOT_API_BASE = (String) ConfigKeys.ZALO_BOT_API_BASE.def();
  public static final String ZALO_OA_API_BASE = (String) ConfigKeys.ZALO_OA_API_BASE.def();
  public static final String ZALO_OA_OAUTH_BASE = (String) ConfigKeys.ZALO_OA_OAUTH_BASE.def();
  public static final int SMTP_PORT = ConfigKeys.EMAIL_PORT.intDefault();
  public static final boolean SMTP_STARTTLS = (Boolean) ConfigKeys.EMAIL_STARTTLS.def();
  public static final Duration ALERTMANAGER_RESEND =
      ConfigKeys.ALERTMANAGER_RESEND_INTERVAL.durationDefault();
  public static final Duration MEETING_LEAD = ConfigKeys.MEETING_LEAD.durationDefault();

  public static final RolloutStage ROLLOUT_STAGE =
      RolloutStage.fromLabel((String) ConfigKeys.SITE_ROLLOUT_STAGE.def()).orElseThrow();
}
