package org.daitu.vcmon.output.alert;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.output.alert.Notification.Kind;
import org.daitu.vcmon.output.alert.Notification.Severity;
import org.daitu.vcmon.output.alert.Notification.SiteLine;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateSnapshot;

/**
 * Meeting readiness: when each configured meeting next happens, and whether its rooms are ready
 * (UP; a DEGRADED room is listed as not ready, with its packet loss, since a lossy link breaks a
 * video call). Gives the summary that goes out {@code lead} before a meeting and the view behind
 * {@code /api/v1/readiness}. Pure and immutable.
 */
public final class MeetingReadiness {
  private final List<AgentConfig.Meeting> meetings;
  private final Messages text;

  /** One occurrence of a meeting. */
  public record Occurrence(AgentConfig.Meeting meeting, Instant start) {
    /** When the readiness summary is due. */
    public Instant notifyAt() {
      return start.minus(meeting.lead());
    }

    /** The notification's idempotency key. */
    public String key() {
      return "readiness:" + meeting.name() + ":" + start.toEpochMilli();
    }
  }

  /** A room of a meeting and whether it is ready; {@code why} is null when it is. */
  public record Room(String id, String name, String state, boolean ready, String why) {}

  public MeetingReadiness(List<AgentConfig.Meeting> meetings, Messages text) {
    this.meetings = List.copyOf(meetings);
    this.text = text;
  }

  /** The next start of {@code m} at or after {@code now}; empty for a one-off meeting that is past. */
  public Optional<Instant> nextStart(AgentConfig.Meeting m, Instant now) {
    if (m.start() != null) {
      return m.start().isBefore(now) ? Optional.empty() : Optional.of(m.start());
    }
    ZonedDateTime local = now.atZone(text.zone());
    LocalDate day = local.toLocalDate().with(TemporalAdjusters.nextOrSame(m.day()));
    ZonedDateTime at = day.atTime(m.time()).atZone(text.zone());
    if (at.toInstant().isBefore(now)) {
      at = day.plusWeeks(1).atTime(m.time()).atZone(text.zone());
    }
    return Optional.of(at.toInstant());
  }

  /** The next occurrence of every meeting that still has one, soonest first. */
  public List<Occurrence> upcoming(Instant now) {
    List<Occurrence> out = new ArrayList<>();
    for (AgentConfig.Meeting m : meetings) {
      nextStart(m, now).ifPresent(s -> out.add(new Occurrence(m, s)));
    }
    out.sort(Comparator.comparing(Occurrence::start).thenComparing(o -> o.meeting().name()));
    return out;
  }

  /** Occurrences whose summary is due at {@code now}: inside their lead time, not yet started. */
  public List<Occurrence> due(Instant now) {
    return upcoming(now).stream().filter(o -> !now.isBefore(o.notifyAt())).toList();
  }

  /** The rooms of {@code m} in inventory order: the ones named, or every commune and town. */
  public List<Room> rooms(AgentConfig.Meeting m, Instant now, StateSnapshot snap) {
    List<Room> out = new ArrayList<>();
    for (SiteStatus s : snap.sites()) {
      boolean expected =
          m.rooms().isEmpty()
              ? s.site().type().isUnit() && s.state() != SiteState.PLANNED
              : m.rooms().contains(s.id());
      if (expected) {
        out.add(room(s, now));
      }
    }
    return out;
  }

  private Room room(SiteStatus s, Instant now) {
    String name = s.site().name();
    String why;
    switch (s.state()) {
      case UP:
        why = null;
        break;
      case DOWN:
      case UNREACHABLE:
        why = text.notReadyDown(name, s.since(), now);
        break;
      case DEGRADED:
        why =
            s.icmp() != null && s.icmp().available() && s.icmp().lossRatio() > 0
                ? text.notReadyLoss(name, s.icmp().lossRatio())
                : text.notReadyOther(name, s.state(), s.reason());
        break;
      default:
        why = text.notReadyOther(name, s.state(), s.reason());
    }
    return new Room(s.id(), name, s.state().name(), why == null, why);
  }

  /** "28/30 phòng họp sẵn sàng; chưa sẵn sàng: Cát Nê (mất kết nối từ 07:42), ...". */
  public String summary(List<Room> rooms) {
    int ready = (int) rooms.stream().filter(Room::ready).count();
    return text.readinessSummary(
        ready, rooms.size(), rooms.stream().filter(r -> !r.ready()).map(Room::why).toList());
  }

  /**
   * The summary for one occurrence, sent {@code lead} before it: INFO when every room is ready,
   * WARNING otherwise, so a channel with {@code min_severity: warning} hears only of problems.
   */
  public Notification readiness(AgentConfig.Meeting m, Instant occurrence, StateSnapshot snap) {
    Instant now = snap.at();
    List<Room> rooms = rooms(m, now, snap);
    boolean allReady = rooms.stream().allMatch(Room::ready);
    List<SiteLine> lines = new ArrayList<>();
    for (SiteStatus s : snap.sites()) {
      if (rooms.stream().anyMatch(r -> r.id().equals(s.id()))) {
        lines.add(new SiteLine(s.id(), s.site().name(), s.state().name(), null, s.since(), s.reason()));
      }
    }
    return new Notification(
        new Occurrence(m, occurrence).key(),
        Kind.READINESS,
        allReady ? Severity.INFO : Severity.WARNING,
        false,
        now,
        text.readinessTitle(m.name(), occurrence, now),
        summary(rooms),
        lines);
  }

  /**
   * The JSON-able view for {@code /api/v1/readiness}: the next meeting (null when none), its start
   * and rooms, ready or not with the reason, and the summary line.
   */
  public Map<String, Object> view(Instant now, StateSnapshot snap) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Occurrence> next = upcoming(now);
    if (next.isEmpty()) {
      out.put("next", null);
      return out;
    }
    Occurrence o = next.get(0);
    List<Room> rooms = rooms(o.meeting(), now, snap);
    Map<String, Object> meeting = new LinkedHashMap<>();
    meeting.put("name", o.meeting().name());
    meeting.put("start", o.start().toString());
    meeting.put("notify_at", o.notifyAt().toString());
    meeting.put("expected", rooms.size());
    meeting.put("ready", rooms.stream().filter(Room::ready).count());
    meeting.put("summary", summary(rooms));
    List<Map<String, Object>> list = new ArrayList<>();
    for (Room r : rooms) {
      Map<String, Object> room = new LinkedHashMap<>();
      room.put("id", r.id());
      room.put("name", r.name());
      room.put("state", r.state());
      room.put("ready", r.ready());
      room.put("reason", r.why());
      list.add(room);
    }
    meeting.put("rooms", list);
    out.put("next", meeting);
    return out;
  }
}
