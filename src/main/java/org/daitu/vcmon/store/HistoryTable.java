package org.daitu.vcmon.store;

import static org.daitu.vcmon.store.Rows.INCIDENT_COLUMNS;
import static org.daitu.vcmon.store.Rows.MAINTENANCE_COLUMNS;
import static org.daitu.vcmon.store.Rows.generatedKey;
import static org.daitu.vcmon.store.Rows.incident;
import static org.daitu.vcmon.store.Rows.instant;
import static org.daitu.vcmon.store.Rows.maintenance;
import static org.daitu.vcmon.store.Rows.openIncident;
import static org.daitu.vcmon.store.Rows.setNullableLong;

import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.daitu.vcmon.history.DailyRollout;
import org.daitu.vcmon.history.Gap;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.IncidentRules;
import org.daitu.vcmon.history.MaintenanceWindow;
import org.daitu.vcmon.history.SamplePoint;
import org.daitu.vcmon.history.StateChange;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.Transition;

/**
 * The history tables: {@code state_change}, {@code incident}, {@code site} (first-connected
 * times), {@code run} (heartbeats), {@code gap} and {@code daily_rollout}; the monitor's writes,
 * the reads of the API, and what a restart loads back. Which incidents to open, close and link is
 * decided by {@link IncidentRules}; this class only stores it.
 *
 * <p>Thread-safety: any thread; the current run id is only touched on the store thread.
 */
final class HistoryTable implements HistoryLog, HistoryReads {
  private final SqliteDatabase db;

  // Confined to the store thread.
  private long currentRun;

  HistoryTable(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public StoreHealth health() {
    return db.health();
  }

  // ---- writes

  @Override
  public Future<Void> startRun(Instant now) {
    Objects.requireNonNull(now, "now");
    return db.write(
        c -> {
          Instant last = lastHeartbeat(c, -1);
          if (last != null && now.isAfter(last)) {
            try (PreparedStatement p =
                c.prepareStatement("INSERT INTO gap (from_at, to_at, kind, reason) VALUES (?, ?, ?, ?)")) {
              p.setLong(1, last.toEpochMilli());
              p.setLong(2, now.toEpochMilli());
              p.setString(3, Gap.Kind.AGENT_STOPPED.name());
              p.setString(4, "vcmon was not running (last heartbeat of the previous run)");
              p.executeUpdate();
            }
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO run (started_at, heartbeat_at) VALUES (?, ?)")) {
            p.setLong(1, now.toEpochMilli());
            p.setLong(2, now.toEpochMilli());
            p.executeUpdate();
            currentRun = generatedKey(p);
          }
          return null;
        });
  }

  @Override
  public Future<Void> heartbeat(Instant now) {
    Objects.requireNonNull(now, "now");
    return db.held(
        1,
        c -> {
          if (currentRun == 0) {
            throw new IllegalStateException("heartbeat before startRun: call startRun(now) first");
          }
          // The latest reading, even if the clock stepped back: the next start measures its gap
          // with the same clock.
          try (PreparedStatement p = c.prepareStatement("UPDATE run SET heartbeat_at = ? WHERE id = ?")) {
            p.setLong(1, now.toEpochMilli());
            p.setLong(2, currentRun);
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Future<List<Incident>> record(List<Transition> transitions, Map<String, String> parents) {
    List<Transition> batch = List.copyOf(transitions);
    Map<String, String> parentOf = parents == null ? Map.of() : Map.copyOf(parents);
    if (batch.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return db.held(batch.size(), c -> recordBatch(c, batch, parentOf));
  }

  /** Stores the state changes, then what {@link IncidentRules} decide for them. */
  private static List<Incident> recordBatch(
      Connection c, List<Transition> batch, Map<String, String> parents) throws SQLException {
    Map<String, Incident> open = new HashMap<>();
    for (String site : IncidentRules.sitesToLookUp(batch, parents)) {
      Incident i = openIncident(c, site);
      if (i != null) {
        open.put(site, i);
      }
    }
    Set<String> connected = new HashSet<>();
    try (PreparedStatement p = c.prepareStatement("SELECT first_connected FROM site WHERE id = ?")) {
      for (String site : IncidentRules.sitesGoingUp(batch)) {
        p.setString(1, site);
        try (ResultSet rs = p.executeQuery()) {
          if (rs.next() && instant(rs, 1) != null) {
            connected.add(site);
          }
        }
      }
    }
    List<IncidentRules.Step> steps = IncidentRules.decide(batch, parents, open, connected);

    try (PreparedStatement change =
            c.prepareStatement(
                "INSERT INTO state_change (site, from_state, to_state, at, reason)"
                    + " VALUES (?, ?, ?, ?, ?)");
        PreparedStatement site = c.prepareStatement("INSERT OR IGNORE INTO site (id) VALUES (?)")) {
      for (Transition t : batch) {
        change.setString(1, t.siteId());
        change.setString(2, t.from().name());
        change.setString(3, t.to().name());
        change.setLong(4, t.at().toEpochMilli());
        change.setString(5, t.reason());
        change.executeUpdate();
        site.setString(1, t.siteId());
        site.executeUpdate();
      }
    }

    List<Incident> touched = new ArrayList<>();
    Map<Integer, Long> openedIds = new HashMap<>();
    try (PreparedStatement openStmt =
            c.prepareStatement(
                "INSERT INTO incident (site, kind, opened_at, reason, parent_incident_id)"
                    + " VALUES (?, ?, ?, ?, ?)");
        PreparedStatement link =
            c.prepareStatement("UPDATE incident SET parent_incident_id = ? WHERE id = ?");
        PreparedStatement close = c.prepareStatement("UPDATE incident SET closed_at = ? WHERE id = ?");
        PreparedStatement firstConnected =
            c.prepareStatement("UPDATE site SET first_connected = ? WHERE id = ?")) {
      for (int n = 0; n < steps.size(); n++) {
        IncidentRules.Step step = steps.get(n);
        if (step instanceof IncidentRules.Open o) {
          openStmt.setString(1, o.siteId());
          openStmt.setString(2, o.kind().name());
          openStmt.setLong(3, o.at().toEpochMilli());
          openStmt.setString(4, o.reason());
          setNullableLong(openStmt, 5, o.parent() == null ? null : id(o.parent(), openedIds));
          openStmt.executeUpdate();
          long id = generatedKey(openStmt);
          openedIds.put(n, id);
          touched.add(incident(c, id));
        } else if (step instanceof IncidentRules.Link l) {
          link.setLong(1, id(l.parent(), openedIds));
          link.setLong(2, id(l.incident(), openedIds));
          link.executeUpdate();
        } else if (step instanceof IncidentRules.Close cl) {
          long id = id(cl.incident(), openedIds);
          close.setLong(1, cl.at().toEpochMilli());
          close.setLong(2, id);
          close.executeUpdate();
          touched.add(incident(c, id));
        } else if (step instanceof IncidentRules.FirstConnected f) {
          firstConnected.setLong(1, f.at().toEpochMilli());
          firstConnected.setString(2, f.siteId());
          firstConnected.executeUpdate();
        }
      }
    }
    return touched;
  }

  private static long id(IncidentRules.Ref ref, Map<Integer, Long> openedIds) {
    return ref.id() != null ? ref.id() : openedIds.get(ref.openedBy());
  }

  @Override
  public Future<Void> openGap(Instant from, Gap.Kind kind, String reason) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(kind, "kind");
    return db.held(
        1,
        c -> {
          // At most one open gap per kind: opening twice keeps the first start.
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO gap (from_at, kind, reason) VALUES (?, ?, ?)"
                      + " ON CONFLICT (kind) WHERE to_at IS NULL DO NOTHING")) {
            p.setLong(1, from.toEpochMilli());
            p.setString(2, kind.name());
            p.setString(3, reason);
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Future<Void> closeGap(Instant to, Gap.Kind kind) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(kind, "kind");
    return db.held(
        1,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE gap SET to_at = max(from_at, ?) WHERE kind = ? AND to_at IS NULL")) {
            p.setLong(1, to.toEpochMilli());
            p.setString(2, kind.name());
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Future<Void> recordDay(LocalDate day, int connected, int online) {
    Objects.requireNonNull(day, "day");
    if (connected < 0 || online < 0) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "daily rollout counts must not be negative: connected=" + connected + " online=" + online));
    }
    return db.held(
        1,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO daily_rollout (day, connected, online_max, online_min)"
                      + " VALUES (?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET"
                      + " connected = excluded.connected,"
                      + " online_max = max(online_max, excluded.online_max),"
                      + " online_min = min(online_min, excluded.online_min)")) {
            p.setString(1, day.toString());
            p.setInt(2, connected);
            p.setInt(3, online);
            p.setInt(4, online);
            p.executeUpdate();
          }
          return null;
        });
  }

  // ---- reads

  @Override
  public Future<Recovered> load() {
    return db.read(
        c -> {
          Map<String, Instant> firstConnected = new LinkedHashMap<>();
          Map<String, RolloutStage> stages = new LinkedHashMap<>();
          try (PreparedStatement p =
                  c.prepareStatement("SELECT id, first_connected, stage FROM site ORDER BY id");
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              Instant first = instant(rs, 2);
              if (first != null) {
                firstConnected.put(rs.getString(1), first);
              }
              String stage = rs.getString(3);
              if (stage != null) {
                stages.put(rs.getString(1), RolloutStage.valueOf(stage));
              }
            }
          }
          List<Incident> open =
              Rows.incidents(
                  c,
                  "SELECT " + INCIDENT_COLUMNS
                      + " FROM incident WHERE closed_at IS NULL ORDER BY opened_at, id",
                  List.of());
          List<MaintenanceWindow> maintenance = new ArrayList<>();
          try (PreparedStatement p =
                  c.prepareStatement("SELECT " + MAINTENANCE_COLUMNS + " FROM maintenance ORDER BY id");
              ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              maintenance.add(maintenance(rs));
            }
          }
          return new Recovered(
              Map.copyOf(firstConnected),
              Map.copyOf(stages),
              List.copyOf(open),
              List.copyOf(maintenance),
              lastHeartbeat(c, currentRun));
        });
  }

  @Override
  public Future<List<Incident>> incidents(
      String siteId, Instant from, Instant to, Boolean open, int limit) {
    if (limit <= 0) {
      return Future.failedFuture(
          new IllegalArgumentException("incident limit must be at least 1, got " + limit));
    }
    StringBuilder sql = new StringBuilder("SELECT " + INCIDENT_COLUMNS + " FROM incident WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (siteId != null) {
      sql.append(" AND site = ?");
      args.add(siteId);
    }
    if (to != null) {
      sql.append(" AND opened_at < ?");
      args.add(to.toEpochMilli());
    }
    if (from != null) {
      // An open incident overlaps everything after its start.
      sql.append(" AND (closed_at IS NULL OR closed_at > ?)");
      args.add(from.toEpochMilli());
    }
    if (open != null) {
      sql.append(open ? " AND closed_at IS NULL" : " AND closed_at IS NOT NULL");
    }
    sql.append(" ORDER BY opened_at DESC, id DESC LIMIT ?");
    args.add((long) limit);
    return db.read(c -> List.copyOf(Rows.incidents(c, sql.toString(), args)));
  }

  @Override
  public Future<Map<String, SiteState>> statesAt(Instant at) {
    Objects.requireNonNull(at, "at");
    return db.read(
        c -> {
          Map<String, SiteState> states = new HashMap<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT s.id, (SELECT to_state FROM state_change"
                      + " WHERE site = s.id AND at < ? ORDER BY at DESC, id DESC LIMIT 1)"
                      + " FROM site s")) {
            p.setLong(1, at.toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                String state = rs.getString(2);
                if (state != null) {
                  states.put(rs.getString(1), SiteState.valueOf(state));
                }
              }
            }
          }
          return Map.copyOf(states);
        });
  }

  @Override
  public Future<List<StateChange>> changes(Instant from, Instant to) {
    return db.read(
        c -> {
          List<StateChange> changes = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT site, from_state, to_state, at, reason FROM state_change"
                      + " WHERE at >= ? AND at < ? ORDER BY at, id")) {
            p.setLong(1, from == null ? Long.MIN_VALUE : from.toEpochMilli());
            p.setLong(2, to == null ? Long.MAX_VALUE : to.toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                changes.add(
                    new StateChange(
                        rs.getString(1),
                        SiteState.valueOf(rs.getString(2)),
                        SiteState.valueOf(rs.getString(3)),
                        Instant.ofEpochMilli(rs.getLong(4)),
                        rs.getString(5)));
              }
            }
          }
          return List.copyOf(changes);
        });
  }

  @Override
  public Future<List<Gap>> gaps(Instant from, Instant to) {
    return db.read(
        c -> {
          List<Gap> gaps = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT from_at, to_at, kind, reason FROM gap"
                      + " WHERE from_at < ? AND (to_at IS NULL OR to_at > ?) ORDER BY from_at, id")) {
            p.setLong(1, to == null ? Long.MAX_VALUE : to.toEpochMilli());
            p.setLong(2, from == null ? Long.MIN_VALUE : from.toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                gaps.add(
                    new Gap(
                        Instant.ofEpochMilli(rs.getLong(1)),
                        instant(rs, 2),
                        Gap.Kind.valueOf(rs.getString(3)),
                        rs.getString(4)));
              }
            }
          }
          return List.copyOf(gaps);
        });
  }

  @Override
  public Future<Void> recordSamples(List<SamplePoint> points) {
    if (points.isEmpty()) {
      return Future.succeededFuture();
    }
    List<SamplePoint> copy = List.copyOf(points);
    return db.held(
        copy.size(),
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO sample (site, at, checks, rtt_checks, rtt_sum_ms, rtt_max_ms, loss_sum)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, at) DO UPDATE SET"
                      + " checks = checks + excluded.checks,"
                      + " rtt_checks = rtt_checks + excluded.rtt_checks,"
                      + " rtt_sum_ms = rtt_sum_ms + excluded.rtt_sum_ms,"
                      + " rtt_max_ms = max(rtt_max_ms, excluded.rtt_max_ms),"
                      + " loss_sum = loss_sum + excluded.loss_sum")) {
            for (SamplePoint s : copy) {
              p.setString(1, s.siteId());
              p.setLong(2, s.at().toEpochMilli());
              p.setInt(3, s.checks());
              p.setInt(4, s.rttChecks());
              p.setDouble(5, s.rttSumMs());
              p.setDouble(6, s.rttMaxMs());
              p.setDouble(7, s.lossSum());
              p.addBatch();
            }
            p.executeBatch();
          }
          return null;
        });
  }

  @Override
  public Future<Integer> pruneSamples(Instant before) {
    Objects.requireNonNull(before, "before");
    return db.held(
        1,
        c -> {
          try (PreparedStatement p = c.prepareStatement("DELETE FROM sample WHERE at < ?")) {
            p.setLong(1, before.toEpochMilli());
            return p.executeUpdate();
          }
        });
  }

  @Override
  public Future<List<SamplePoint>> samples(String siteId, Instant from, Instant to) {
    return db.read(
        c -> {
          List<SamplePoint> out = new ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT at, checks, rtt_checks, rtt_sum_ms, rtt_max_ms, loss_sum FROM sample"
                      + " WHERE site = ? AND at >= ? AND at < ? ORDER BY at")) {
            p.setString(1, siteId);
            p.setLong(2, from.toEpochMilli());
            p.setLong(3, to.toEpochMilli());
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new SamplePoint(
                        siteId, Instant.ofEpochMilli(rs.getLong(1)), rs.getInt(2), rs.getInt(3),
                        rs.getDouble(4), rs.getDouble(5), rs.getDouble(6)));
              }
            }
          }
          return List.copyOf(out);
        });
  }

  @Override
  public Future<List<DailyRollout>> days(LocalDate from, LocalDate to) {
    return db.read(
        c -> {
          List<DailyRollout> days = new ArrayList<>();
          // ISO dates sort as text.
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT day, connected, online_max, online_min FROM daily_rollout"
                      + " WHERE (? IS NULL OR day >= ?) AND (? IS NULL OR day <= ?) ORDER BY day")) {
            String f = from == null ? null : from.toString();
            String t = to == null ? null : to.toString();
            p.setString(1, f);
            p.setString(2, f);
            p.setString(3, t);
            p.setString(4, t);
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                days.add(
                    new DailyRollout(
                        LocalDate.parse(rs.getString(1)), rs.getInt(2), rs.getInt(3), rs.getInt(4)));
              }
            }
          }
          return List.copyOf(days);
        });
  }

  private static Instant lastHeartbeat(Connection c, long exceptRun) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement("SELECT heartbeat_at FROM run WHERE id <> ? ORDER BY id DESC LIMIT 1")) {
      p.setLong(1, exceptRun);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Instant.ofEpochMilli(rs.getLong(1)) : null;
      }
    }
  }
}
