package org.daitu.vcmon.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.history.DailyRollout;
import org.daitu.vcmon.history.Gap;
import org.daitu.vcmon.history.Incident;
import org.daitu.vcmon.history.SamplePoint;
import org.daitu.vcmon.history.StateChange;
import org.daitu.vcmon.state.SiteState;

/** Reads of the stored history, for the API and the reports. They work while writes are held. */
public interface HistoryReads {

  /** Whether writes succeed now, and how many wait in memory when they do not. Any thread. */
  StoreHealth health();

  /** Incidents that overlap [from, to) (either bound may be null), newest first, at most limit. */
  Future<List<Incident>> incidents(String siteId, Instant from, Instant to, Boolean open, int limit);

  /** Every site's state at {@code at}: the {@code to} of its last change before then. */
  Future<Map<String, SiteState>> statesAt(Instant at);

  /** State changes in [from, to), oldest first. */
  Future<List<StateChange>> changes(Instant from, Instant to);

  /** Gaps that overlap [from, to), open ones with a null end. */
  Future<List<Gap>> gaps(Instant from, Instant to);

  /** Daily rollout rows in [from, to], oldest first. */
  Future<List<DailyRollout>> days(LocalDate from, LocalDate to);

  /** One site's 5-minute points whose buckets start in [from, to), oldest first. */
  Future<List<SamplePoint>> samples(String siteId, Instant from, Instant to);
}
