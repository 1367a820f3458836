package org.daitu.vcmon.history;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.inventory.Site;

/**
 * The monthly availability report of the communes and towns, one row per unit in inventory order,
 * and its CSV form for the district office (who open it in Excel). Built from figures already
 * computed per site, not from a store, so it is pure and the same input always gives the same
 * bytes. Immutable.
 *
 * <p>Formats, chosen so that a spreadsheet shows them without conversion:
 *
 * <ul>
 *   <li>availability: percent with one decimal, rounded <em>down</em> ("99.9"), so "100.0" only
 *       ever means no downtime at all; empty when the site was never observed up or down;
 *   <li>downtime and longest outage: elapsed time as H:MM:SS, hours not wrapped at 24
 *       ("2:05:13", "50:00:00"), seconds rounded down; empty when no figures were given;
 *   <li>first connected: local date and time "yyyy-MM-dd HH:mm" in the district's zone; empty
 *       when the site has never been seen UP.
 * </ul>
 */
public final class MonthlyReport {
  static final List<String> HEADER =
      List.of(
          "code", "id", "name", "type", "availability_percent", "incidents", "downtime",
          "longest_outage", "first_connected");
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
  /** Lets Excel detect UTF-8, which it otherwise reads as the system code page and mangles "ư". */
  private static final char BOM = '\uFEFF';

  /**
   * One commune or town.
   *
   * @param availabilityPercent null when nothing was observed
   * @param incidents null (with the two durations) when no outage figures were given for the site
   * @param firstConnected null when never connected
   */
  public record Row(
      String code,
      String id,
      String name,
      String type,
      BigDecimal availabilityPercent,
      Integer incidents,
      Duration downtime,
      Duration longestOutage,
      LocalDateTime firstConnected) {}

  private final YearMonth month;
  private final List<Row> rows;

  private MonthlyReport(YearMonth month, List<Row> rows) {
    this.month = month;
    this.rows = List.copyOf(rows);
  }

  /** The month as an interval: from its first midnight to the next month's, local to {@code zone}. */
  public static Interval range(YearMonth month, ZoneId zone) {
    return new Interval(
        month.atDay(1).atStartOfDay(zone).toInstant(),
        month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant());
  }

  /**
   * Builds the rows for the units among {@code sites} (communes and towns; network nodes are not
   * reported). A site missing from a map gets empty cells for those figures.
   */
  public static MonthlyReport build(
      YearMonth month,
      ZoneId zone,
      List<Site> sites,
      Map<String, Availability.Result> availability,
      Map<String, OutageStats> outages,
      Map<String, Instant> firstConnected) {
    List<Row> rows = new ArrayList<>();
    for (Site site : sites) {
      if (!site.type().isUnit()) {
        continue;
      }
      Availability.Result a = availability.get(site.id());
      OutageStats o = outages.get(site.id());
      Instant first = firstConnected.get(site.id());
      rows.add(
          new Row(
              site.code(),
              site.id(),
              site.name(),
              site.type().label(),
              a == null ? null : percent(a),
              o == null ? null : o.incidents(),
              o == null ? null : o.downtime(),
              o == null ? null : o.longest(),
              first == null ? null : LocalDateTime.ofInstant(first, zone)));
    }
    return new MonthlyReport(month, rows);
  }

  public YearMonth month() {
    return month;
  }

  public List<Row> rows() {
    return rows;
  }

  /**
   * RFC 4180 text: a BOM, a header row, one record per row, CRLF after every record (the last
   * one too). Encode with {@link #csvBytes()} or as UTF-8.
   */
  public String csv() {
    StringBuilder out = new StringBuilder().append(BOM);
    record(out, HEADER);
    for (Row r : rows) {
      record(
          out,
          List.of(
              text(r.code()),
              text(r.id()),
              text(r.name()),
              text(r.type()),
              r.availabilityPercent() == null ? "" : r.availabilityPercent().toPlainString(),
              r.incidents() == null ? "" : Integer.toString(r.incidents()),
              elapsed(r.downtime()),
              elapsed(r.longestOutage()),
              r.firstConnected() == null ? "" : LOCAL.format(r.firstConnected())));
    }
    return out.toString();
  }

  /** The CSV as UTF-8 bytes, starting with the BOM EF BB BF. */
  public byte[] csvBytes() {
    return csv().getBytes(StandardCharsets.UTF_8);
  }

  /** "2:05:13": hours, minutes, seconds of elapsed time; empty for null. */
  static String elapsed(Duration d) {
    if (d == null) {
      return "";
    }
    long s = Math.max(0, d.getSeconds());
    return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }

  /** Up share in percent, one decimal, rounded down; computed from the durations, exactly. */
  static BigDecimal percent(Availability.Result a) {
    BigDecimal up = exact(a.upTime());
    BigDecimal seen = up.add(exact(a.downTime()));
    if (seen.signum() == 0) {
      return null;
    }
    return up.multiply(BigDecimal.valueOf(100)).divide(seen, 1, RoundingMode.FLOOR);
  }

  private static BigDecimal exact(Duration d) {
    return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }

  private static void record(StringBuilder out, List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(quote(fields.get(i)));
    }
    out.append("\r\n");
  }

  /** Quotes a field only when RFC 4180 requires it: a comma, a double quote, CR or LF inside. */
  static String quote(String field) {
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\r') < 0 && field.indexOf('\n') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }
}
