package org.daitu.vcmon.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.state.SiteState;

/** Row mapping and JDBC helpers shared by the table classes; store thread only. */
final class Rows {
  static final String INCIDENT_COLUMNS =
      "id, site, kind, opened_at, closed_at, reason, parent_incident_id, ack_at, ack_note";

  static final String MAINTENANCE_COLUMNS =
      "id, site, start_at, end_at, day_of_week, from_time, to_time, note, source, uid";

  private Rows() {}

  static Incident openIncident(Connection c, String site) throws SQLException {
    List<Incident> open =
        incidents(
            c,
            "SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE site = ? AND closed_at IS NULL",
            List.of(site));
    return open.isEmpty() ? null : open.get(0);
  }

  static Incident incident(Connection c, long id) throws SQLException {
    return incidents(c, "SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE id = ?", List.of(id))
        .get(0);
  }

  static List<Incident> incidents(Connection c, String sql, List<Object> args)
      throws SQLException {
    List<Incident> result = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        p.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          long parent = rs.getLong(7);
          Long parentId = rs.wasNull() ? null : parent;
          result.add(
              new Incident(
                  rs.getLong(1),
                  rs.getString(2),
                  SiteState.valueOf(rs.getString(3)),
                  Instant.ofEpochMilli(rs.getLong(4)),
                  instant(rs, 5),
                  rs.getString(6),
                  parentId,
                  instant(rs, 8),
                  rs.getString(9)));
        }
      }
    }
    return result;
  }

  static MaintenanceWindow maintenance(ResultSet rs) throws SQLException {
    long dow = rs.getLong(5);
    DayOfWeek day = rs.wasNull() ? null : DayOfWeek.of((int) dow);
    String from = rs.getString(6);
    String to = rs.getString(7);
    return new MaintenanceWindow(
        rs.getLong(1),
        rs.getString(2),
        instant(rs, 3),
        instant(rs, 4),
        day,
        from == null ? null : LocalTime.parse(from),
        to == null ? null : LocalTime.parse(to),
        rs.getString(8),
        rs.getString(9),
        rs.getString(10));
  }

  static Instant instant(ResultSet rs, int column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  static void setNullableLong(PreparedStatement p, int index, Long value)
      throws SQLException {
    if (value == null) {
      p.setNull(index, Types.INTEGER);
    } else {
      p.setLong(index, value);
    }
  }

  /** The row id of the statement's insert (same connection, same thread: nothing in between). */
  static long generatedKey(PreparedStatement p) throws SQLException {
    try (Statement s = p.getConnection().createStatement();
        ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
