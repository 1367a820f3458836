package org.daitu.vcmon.output.alert;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.daitu.vcmon.state.SiteState;

/**
 * Every text people read in a notification, in Vietnamese and English, in one place: the wording
 * is reviewed here and nowhere else. Times are local to the district ({@code 07:42}, or {@code
 * 07:42 12/08} when not on the reference day); durations read like speech ({@code 2 giờ 5 phút},
 * {@code 2 h 5 min}). Immutable and thread-safe.
 */
public final class Messages {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd/MM", Locale.ROOT);

  private final boolean vi;
  private final ZoneId zone;

  /**
   * @param language "vi" or "en"
   * @throws IllegalArgumentException for any other language, naming the ones supported
   */
  public Messages(String language, ZoneId zone) {
    if (!language.equals("vi") && !language.equals("en")) {
      throw new IllegalArgumentException(
          "unsupported language \"" + language + "\" (supported: vi, en)");
    }
    this.vi = language.equals("vi");
    this.zone = zone;
  }

  public ZoneId zone() {
    return zone;
  }

  /** {@code 07:42} when {@code t} falls on the same local day as {@code reference}, else {@code 07:42 12/08}. */
  public String time(Instant t, Instant reference) {
    ZonedDateTime local = t.atZone(zone);
    if (reference != null && local.toLocalDate().equals(reference.atZone(zone).toLocalDate())) {
      return CLOCK.format(local);
    }
    return CLOCK.format(local) + " " + DAY.format(local);
  }

  /** {@code 2 giờ 5 phút} / {@code 2 h 5 min}; days above a day; under a minute in seconds. */
  public String duration(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + (vi ? " giây" : " s");
    }
    long days = s / 86_400;
    long hours = s % 86_400 / 3600;
    long minutes = s % 3600 / 60;
    StringBuilder b = new StringBuilder();
    if (days > 0) {
      b.append(days).append(vi ? " ngày" : (days == 1 ? " day" : " days"));
    }
    if (hours > 0) {
      b.append(b.length() > 0 ? " " : "").append(hours).append(vi ? " giờ" : " h");
    }
    if (minutes > 0 && days == 0) {
      b.append(b.length() > 0 ? " " : "").append(minutes).append(vi ? " phút" : " min");
    }
    return b.toString();
  }

  /** How a state reads in a sentence ("mất kết nối", "down"). */
  public String state(SiteState s) {
    switch (s) {
      case UP:
        return vi ? "hoạt động bình thường" : "up";
      case DEGRADED:
        return vi ? "chất lượng kém" : "degraded";
      case DOWN:
        return vi ? "mất kết nối" : "down";
      case UNREACHABLE:
        return vi ? "không liên lạc được (tuyến trên mất kết nối)" : "unreachable (its uplink is down)";
      case MAINTENANCE:
        return vi ? "đang bảo trì" : "in maintenance";
      case PLANNED:
        return vi ? "chưa lắp đặt" : "not installed yet";
      default:
        return vi ? "chưa rõ trạng thái" : "state unknown";
    }
  }

  private String reasonSuffix(String reason) {
    if (reason == null || reason.isBlank()) {
      return "";
    }
    return (vi ? " Lý do: " : " Reason: ") + reason + ".";
  }

  public String downTitle(String name) {
    return vi ? "[NGHIÊM TRỌNG] " + name + " mất kết nối" : "[CRITICAL] " + name + " is down";
  }

  /** The DOWN alert; {@code behind} are the names of the sites unreachable behind it. */
  public String downText(String name, Instant since, Instant now, String reason, List<String> behind) {
    String s =
        vi
            ? name + " mất kết nối từ " + time(since, now) + "." + reasonSuffix(reason)
            : name + " is down since " + time(since, now) + "." + reasonSuffix(reason);
    return s + behind(behind);
  }

  private String behind(List<String> names) {
    if (names.isEmpty()) {
      return "";
    }
    return vi
        ? "\n" + names.size() + " điểm phía sau không liên lạc được: " + String.join(", ", names)
        : "\n" + names.size() + " sites behind it are unreachable: " + String.join(", ", names);
  }

  public String reminderTitle(String name) {
    return vi ? "[NHẮC LẠI] " + name + " vẫn mất kết nối" : "[REMINDER] " + name + " is still down";
  }

  public String reminderText(String name, Instant since, Instant now, String reason, List<String> behind) {
    String lasted = duration(Duration.between(since, now));
    String s =
        vi
            ? name + " vẫn mất kết nối từ " + time(since, now) + " (đã " + lasted + ")."
                + reasonSuffix(reason)
            : name + " is still down since " + time(since, now) + " (for " + lasted + ")."
                + reasonSuffix(reason);
    return s + behind(behind);
  }

  public String recoveryTitle(String name) {
    return vi ? "[ĐÃ KHÔI PHỤC] " + name + " đã kết nối lại" : "[RESOLVED] " + name + " is back";
  }

  /** Back from DOWN/UNREACHABLE: how long the outage lasted and the state it is in now. */
  public String recoveryText(String name, Instant since, Instant at, SiteState now) {
    String lasted = duration(Duration.between(since, at));
    return vi
        ? name + " đã kết nối lại lúc " + time(at, at) + ", sau " + lasted
            + " mất kết nối (từ " + time(since, at) + "). Hiện tại: " + state(now) + "."
        : name + " is back at " + time(at, at) + " after " + lasted + " down (since "
            + time(since, at) + "). Now: " + state(now) + ".";
  }

  public String degradedTitle(String name) {
    return vi ? "[CẢNH BÁO] " + name + " chất lượng kém" : "[WARNING] " + name + " is degraded";
  }

  public String degradedText(String name, Instant since, Instant now, String reason) {
    String lasted = duration(Duration.between(since, now));
    return vi
        ? name + " chất lượng kém từ " + time(since, now) + " (đã " + lasted + ")."
            + reasonSuffix(reason)
        : name + " is degraded since " + time(since, now) + " (for " + lasted + ")."
            + reasonSuffix(reason);
  }

  /** A DEGRADED site gained a cause ({@code onlyCleared} false) or only lost some. */
  public String causesTitle(String name, boolean onlyCleared) {
    if (onlyCleared) {
      return vi ? "[CẢNH BÁO] " + name + " bớt lỗi, vẫn chất lượng kém"
          : "[WARNING] " + name + " has fewer faults, still degraded";
    }
    return vi ? "[CẢNH BÁO] " + name + " có lỗi mới" : "[WARNING] " + name + " has a new fault";
  }

  /** What was added and cleared at {@code at}, and what the site has now. */
  public String causesText(String name, Instant at, List<String> added, List<String> cleared, String now) {
    StringBuilder b = new StringBuilder();
    b.append(name).append(vi ? " vẫn chất lượng kém; lúc " : " is still degraded; at ").append(time(at, at));
    if (!added.isEmpty()) {
      b.append(vi ? " có thêm: " : " new: ").append(String.join("; ", added));
      b.append(cleared.isEmpty() ? "." : ",");
    }
    if (!cleared.isEmpty()) {
      b.append(vi ? " đã hết: " : " cleared: ").append(String.join("; ", cleared)).append('.');
    }
    if (now != null && !now.isBlank()) {
      b.append(vi ? " Hiện tại: " : " Now: ").append(now).append('.');
    }
    return b.toString();
  }

  public String degradedRecoveryTitle(String name) {
    return vi
        ? "[ĐÃ KHÔI PHỤC] " + name + " hoạt động bình thường"
        : "[RESOLVED] " + name + " is no longer degraded";
  }

  public String degradedRecoveryText(String name, Instant since, Instant at, SiteState now) {
    String lasted = duration(Duration.between(since, at));
    return vi
        ? name + " hết tình trạng chất lượng kém lúc " + time(at, at) + ", sau " + lasted
            + ". Hiện tại: " + state(now) + "."
        : name + " is no longer degraded at " + time(at, at) + ", after " + lasted + ". Now: "
            + state(now) + ".";
  }

  /**
   * The digest's headline. When many units went down together the cause is usually the district
   * link, and saying so points the on-call person to the right place first.
   */
  public String digestTitle(int down, int units, int changed, boolean suspectLink) {
    if (suspectLink) {
      return vi
          ? down + "/" + units + " xã mất kết nối — nghi sự cố đường truyền huyện"
          : down + "/" + units + " communes down — suspected district link failure";
    }
    return vi ? changed + " điểm thay đổi trạng thái" : changed + " sites changed state";
  }

  /** One line of a digest: "- Cát Nê: mất kết nối từ 07:42 (lý do)". */
  public String digestLine(String name, SiteState state, Instant since, Instant now, String reason) {
    String r = reason == null || reason.isBlank() ? "" : " (" + reason + ")";
    return vi
        ? "- " + name + ": " + state(state) + " từ " + time(since, now) + r
        : "- " + name + ": " + state(state) + " since " + time(since, now) + r;
  }

  public String readinessTitle(String meeting, Instant start, Instant now) {
    return vi
        ? "Sẵn sàng cho cuộc họp " + meeting + " (" + time(start, now) + ")"
        : "MeetingReadiness for the meeting " + meeting + " (" + time(start, now) + ")";
  }

  /** "28/30 phòng họp sẵn sàng; chưa sẵn sàng: Cát Nê (mất kết nối từ 07:42), ...". */
  public String readinessSummary(int ready, int expected, List<String> notReady) {
    String head =
        vi ? ready + "/" + expected + " phòng họp sẵn sàng" : ready + "/" + expected + " meeting rooms ready";
    if (notReady.isEmpty()) {
      return head;
    }
    return head + (vi ? "; chưa sẵn sàng: " : "; not ready: ") + String.join(", ", notReady);
  }

  /** "Cát Nê (mất kết nối từ 07:42)". */
  public String notReadyDown(String name, Instant since, Instant now) {
    return name + (vi ? " (mất kết nối từ " : " (down since ") + time(since, now) + ")";
  }

  /** "La Bằng (mất gói 35 %)". */
  public String notReadyLoss(String name, double lossRatio) {
    long pct = Math.round(lossRatio * 100);
    return name + (vi ? " (mất gói " + pct + " %)" : " (" + pct + " % packet loss)");
  }

  /** A room not ready for another reason: its state, and the tracker's reason when there is one. */
  public String notReadyOther(String name, SiteState state, String reason) {
    String r = reason == null || reason.isBlank() ? "" : ": " + reason;
    return name + " (" + state(state) + r + ")";
  }

  /** An agent of the cluster: "vcmon dai-tu" (vantage ids are the names operators gave them). */
  public String agent(String vantage) {
    return "vcmon " + vantage;
  }

  public String memberLeftTitle(String vantage) {
    return vi
        ? "[CẢNH BÁO] " + agent(vantage) + " mất liên lạc với cụm"
        : "[WARNING] " + agent(vantage) + " lost contact with the cluster";
  }

  /**
   * The agent {@code vantage} (at {@code address}) left the cluster at {@code at}, as seen by the
   * agent {@code reporter}, which carries on.
   */
  public String memberLeftText(String vantage, String address, Instant at, String reporter) {
    return vi
        ? agent(reporter) + " không còn liên lạc được với " + agent(vantage) + " (" + address + ") từ "
            + time(at, at) + ". Máy chủ, nguồn điện hoặc đường truyền của " + agent(vantage)
            + " có thể gặp sự cố. Các điểm cầu vẫn được " + agent(reporter) + " tiếp tục giám sát."
        : agent(reporter) + " lost contact with " + agent(vantage) + " (" + address + ") at "
            + time(at, at) + ". Its machine, power or network link may have failed. "
            + agent(reporter) + " keeps watching the sites.";
  }

  public String memberReturnedTitle(String vantage) {
    return vi
        ? "[ĐÃ KHÔI PHỤC] " + agent(vantage) + " đã liên lạc lại với cụm"
        : "[RESOLVED] " + agent(vantage) + " is back in the cluster";
  }

  /** Back at {@code at}; {@code leftAt} is when {@code reporter} saw it leave. */
  public String memberReturnedText(String vantage, String address, Instant leftAt, Instant at, String reporter) {
    String lasted = duration(Duration.between(leftAt, at));
    return vi
        ? agent(vantage) + " (" + address + ") đã liên lạc lại với " + agent(reporter) + " lúc "
            + time(at, at) + ", sau " + lasted + " mất liên lạc (từ " + time(leftAt, at) + ")."
        : agent(vantage) + " (" + address + ") is back in contact with " + agent(reporter) + " at "
            + time(at, at) + " after " + lasted + " (lost since " + time(leftAt, at) + ").";
  }
}
