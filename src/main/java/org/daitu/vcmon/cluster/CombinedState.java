package org.daitu.vcmon.cluster;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.daitu.vcmon.cluster.ClusterMessages.Text;
import org.daitu.vcmon.cluster.VantageView.Standing;
import org.daitu.vcmon.state.Reasons;
import org.daitu.vcmon.state.SiteState;

/**
 * A site's one state from the verdicts of every vantage. Counted are the verdicts of the live
 * vantages that watch the site and have something to say (not UNKNOWN), except the DOWN and
 * UNREACHABLE verdicts of blind vantages ({@link BlindVantages}); of those:
 *
 * <ol>
 *   <li>MAINTENANCE if any says so, else PLANNED if any says so: configuration every agent shares,
 *       so a difference is a reload on its way, and the quiet state must not become a page;
 *   <li>else, if any can reach the site, the best of theirs (UP over DEGRADED), its reason
 *       followed by one "not reachable from X (DOWN since 07:42)" per vantage that cannot: a path
 *       problem, not an outage;
 *   <li>else (every counted vantage says DOWN or UNREACHABLE): UNREACHABLE if all say so, DOWN if
 *       all say so; when mixed, UNREACHABLE only if the parent's combined state is DOWN or
 *       UNREACHABLE, since only then does the parent's alert cover the child; otherwise a vantage
 *       that reaches the parent cannot reach the child, a real outage UNREACHABLE would silence.
 * </ol>
 *
 * Nothing counted gives UNKNOWN, with the reason why. One live vantage gives exactly its own
 * verdict. Immutable and thread-safe.
 */
public final class CombinedState {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
  private static final DateTimeFormatter DAY_AND_CLOCK =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT);

  private final ZoneId zone;

  /** @param zone the district's time zone, for the times written in reasons */
  public CombinedState(ZoneId zone) {
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /**
   * @param verdicts the latest verdict of each vantage on this site, by vantage id
   * @param parentCombined the combined state of the site's parent, or null (no parent, or not
   *     known): decides mixed DOWN/UNREACHABLE, so recompute the children when it goes in or out
   * @param previous this site's last result, or null for the first: its since is kept while the
   *     state stays the same
   * @param at when the inputs changed: the since of the verdict that just arrived, or the time a
   *     member joined or left. Fed the same events, every agent then records the same times.
   */
  public Combined combine(
      WatchedSite site,
      Map<String, VantageVerdict> verdicts,
      ClusterView cluster,
      SiteState parentCombined,
      Combined previous,
      Instant at) {
    check(site, verdicts, previous);
    List<VantageView> views = views(site, verdicts, cluster);
    List<VantageVerdict> counted = new ArrayList<>();
    for (VantageView view : views) {
      if (view.counted()) {
        counted.add(verdicts.get(view.vantage()));
      }
    }
    Decision d =
        counted.isEmpty() ? undecided(views, verdicts, at) : decide(counted, parentCombined, at);
    return new Combined(site.id(), d.state, since(d, previous, at), reason(d), d.notes, views);
  }

  /** What decided the state: the deciding verdict's reason, the cluster's notes, when it began. */
  private record Decision(SiteState state, String verdictReason, List<Text> notes, Instant since) {}

  private Decision decide(List<VantageVerdict> counted, SiteState parentCombined, Instant at) {
    for (SiteState configured : List.of(SiteState.MAINTENANCE, SiteState.PLANNED)) {
      List<VantageVerdict> saying = inState(counted, configured);
      if (!saying.isEmpty()) {
        return new Decision(configured, saying.get(0).reason(), List.of(), earliest(saying));
      }
    }
    boolean anyUp = !inState(counted, SiteState.UP).isEmpty();
    boolean anyDegraded = !inState(counted, SiteState.DEGRADED).isEmpty();
    if (anyUp || anyDegraded) {
      List<VantageVerdict> best = inState(counted, anyUp ? SiteState.UP : SiteState.DEGRADED);
      List<Text> notes = new ArrayList<>();
      for (VantageVerdict v : counted) {
        if (v.isOut()) {
          notes.add(ClusterMessages.notReachableFrom(v.vantage(), v.state(), when(v.since(), at)));
        }
      }
      return new Decision(best.get(0).state(), best.get(0).reason(), notes, earliest(best));
    }
    boolean anyDown = !inState(counted, SiteState.DOWN).isEmpty();
    boolean anyUnreachable = !inState(counted, SiteState.UNREACHABLE).isEmpty();
    boolean parentOut = parentCombined == SiteState.DOWN || parentCombined == SiteState.UNREACHABLE;
    SiteState out = !anyDown || (anyUnreachable && parentOut) ? SiteState.UNREACHABLE : SiteState.DOWN;
    // They agree since the last of them went out.
    Instant agreed =
        counted.stream().map(VantageVerdict::since).max(Comparator.naturalOrder()).orElseThrow();
    return new Decision(out, inState(counted, out).get(0).reason(), List.of(), agreed);
  }

  /** Nothing counted: UNKNOWN, saying why. A lone vantage's own UNKNOWN reason passes through. */
  private static Decision undecided(
      List<VantageView> views, Map<String, VantageVerdict> verdicts, Instant at) {
    List<String> silent = named(views, Standing.NO_VERDICT);
    for (String vantage : silent) {
      VantageVerdict v = verdicts.get(vantage);
      if (v != null && !v.reason().isEmpty()) {
        return new Decision(SiteState.UNKNOWN, v.reason(), List.of(), v.since());
      }
    }
    List<String> blind = named(views, Standing.BLIND);
    Text why =
        !silent.isEmpty()
            ? ClusterMessages.noVerdictYetFrom(silent)
            : !blind.isEmpty()
                ? ClusterMessages.everyWatcherBlind(blind)
                : ClusterMessages.noLiveVantage();
    return new Decision(SiteState.UNKNOWN, "", List.of(why), at);
  }

  /** Every vantage that watches the site and is live, or has a verdict on it, in id order. */
  private static List<VantageView> views(
      WatchedSite site, Map<String, VantageVerdict> verdicts, ClusterView cluster) {
    TreeSet<String> names = new TreeSet<>(verdicts.keySet());
    cluster.live().stream().filter(site::watchedBy).forEach(names::add);
    List<VantageView> views = new ArrayList<>();
    for (String vantage : names) {
      VantageVerdict v = verdicts.get(vantage);
      Standing standing;
      Text leftOut = null;
      if (!site.watchedBy(vantage)) {
        standing = Standing.NOT_WATCHING;
        leftOut = ClusterMessages.doesNotWatch(vantage);
      } else if (!cluster.live().contains(vantage)) {
        standing = Standing.LEFT;
        leftOut = ClusterMessages.leftTheCluster(vantage);
      } else if (cluster.blind().containsKey(vantage) && v != null && v.isOut()) {
        // Only its outs say nothing: a blind vantage that still sees a site answer has a path.
        standing = Standing.BLIND;
        leftOut = cluster.blind().get(vantage).reason();
      } else if (v == null || v.state() == SiteState.UNKNOWN) {
        standing = Standing.NO_VERDICT;
      } else {
        standing = Standing.COUNTED;
      }
      views.add(
          v == null
              ? new VantageView(
                  vantage, SiteState.UNKNOWN, null, ClusterMessages.noVerdictYet().en(), standing, leftOut)
              : new VantageView(vantage, v.state(), v.since(), v.reason(), standing, leftOut));
    }
    return views;
  }

  private static Instant since(Decision d, Combined previous, Instant at) {
    if (previous == null) {
      return d.since.isAfter(at) ? at : d.since; // an agent's clock ahead of ours
    }
    if (previous.state() == d.state) {
      return previous.since();
    }
    return at.isBefore(previous.since()) ? previous.since() : at; // never before the last change
  }

  private static String reason(Decision d) {
    List<String> parts = new ArrayList<>();
    if (!d.verdictReason.isEmpty()) {
      parts.add(d.verdictReason);
    }
    d.notes.forEach(n -> parts.add(n.en()));
    return Reasons.cut(String.join("; ", parts));
  }

  /** "07:42" on the day of {@code at}, else "2026-03-01 07:42", in the district's zone. */
  private String when(Instant since, Instant at) {
    ZonedDateTime local = since.atZone(zone);
    boolean sameDay = local.toLocalDate().equals(at.atZone(zone).toLocalDate());
    return (sameDay ? CLOCK : DAY_AND_CLOCK).format(local);
  }

  private static List<VantageVerdict> inState(List<VantageVerdict> verdicts, SiteState state) {
    return verdicts.stream().filter(v -> v.state() == state).toList();
  }

  private static Instant earliest(List<VantageVerdict> verdicts) {
    return verdicts.stream().map(VantageVerdict::since).min(Comparator.naturalOrder()).orElseThrow();
  }

  private static List<String> named(List<VantageView> views, Standing standing) {
    return views.stream().filter(v -> v.standing() == standing).map(VantageView::vantage).toList();
  }

  private static void check(
      WatchedSite site, Map<String, VantageVerdict> verdicts, Combined previous) {
    verdicts.forEach(
        (vantage, v) -> {
          if (!v.vantage().equals(vantage) || !v.siteId().equals(site.id())) {
            throw new IllegalArgumentException(
                "verdict of " + v.vantage() + " on " + v.siteId()
                    + " filed under " + vantage + " for " + site.id());
          }
        });
    if (previous != null && !previous.siteId().equals(site.id())) {
      throw new IllegalArgumentException(
          "previous result is for " + previous.siteId() + ", not " + site.id());
    }
  }
}
