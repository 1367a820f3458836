package org.daitu.vcmon.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.Transition;

/**
 * The rules that turn a batch of transitions into incidents and first-connected times. Pure: no
 * I/O, no clock; the store reads the facts these rules need, asks {@link #decide} what to do and
 * writes exactly that.
 *
 * <ul>
 *   <li>A site that goes DOWN or UNREACHABLE without an open incident opens one, of that kind,
 *       at the transition's time and with its reason.
 *   <li>An UNREACHABLE site is linked to its parent's open incident: when it opens its own, or,
 *       if it already has one (still the same outage), as soon as a parent incident is found
 *       that it is not yet linked to. A DOWN site is never linked.
 *   <li>The open incident is closed when the site is next UP or DEGRADED, at the transition's
 *       time, never before its opening (the clock may have stepped back).
 *   <li>The first time a site goes UP, ever, that time becomes its first-connected time; it is
 *       never moved later.
 * </ul>
 *
 * <p>Transitions apply in batch order: an incident opened earlier in the batch is closed or used
 * as a parent by a later transition. A parent's incident is found only if the parent's
 * transition comes earlier in the batch or in an earlier batch.
 *
 * <p>Thread-safety: stateless; {@link #decide} may be called from any thread.
 */
public final class IncidentRules {

  private IncidentRules() {}

  /**
   * An incident a step refers to: one already stored (by its id) or the one opened by an earlier
   * {@link Open} step of the same decision (by that step's index in the list).
   */
  public record Ref(Long id, Integer openedBy) {
    public Ref {
      if ((id == null) == (openedBy == null)) {
        throw new IllegalArgumentException("a reference is either an id or an opening step");
      }
    }

    public static Ref stored(long id) {
      return new Ref(id, null);
    }

    public static Ref openedBy(int step) {
      return new Ref(null, step);
    }
  }

  /** One thing to store. */
  public sealed interface Step permits Open, Link, Close, FirstConnected {}

  /** Open an incident; {@code parent} is null when it has no known cause upstream. */
  public record Open(String siteId, SiteState kind, Instant at, String reason, Ref parent)
      implements Step {}

  /** The open incident has a cause upstream now: link it to {@code parent}. */
  public record Link(Ref incident, Ref parent) implements Step {}

  /** Close the incident at {@code at}. */
  public record Close(Ref incident, Instant at) implements Step {}

  /** The site's first-connected time is {@code at}. */
  public record FirstConnected(String siteId, Instant at) implements Step {}

  /**
   * The sites whose open incident {@link #decide} needs: every site of the batch and the parent
   * of each site that goes UNREACHABLE.
   */
  public static Set<String> sitesToLookUp(List<Transition> batch, Map<String, String> parents) {
    Set<String> sites = new LinkedHashSet<>();
    for (Transition t : batch) {
      sites.add(t.siteId());
      String parent = parents.get(t.siteId());
      if (t.to() == SiteState.UNREACHABLE && parent != null) {
        sites.add(parent);
      }
    }
    return sites;
  }

  /** The sites whose first-connected time {@link #decide} needs: those that go UP. */
  public static Set<String> sitesGoingUp(List<Transition> batch) {
    Set<String> sites = new LinkedHashSet<>();
    for (Transition t : batch) {
      if (t.to() == SiteState.UP) {
        sites.add(t.siteId());
      }
    }
    return sites;
  }

  /**
   * What to store for a batch.
   *
   * @param batch the transitions, in the order they happened
   * @param parents site id to parent id
   * @param open site id to its open incident, for at least {@link #sitesToLookUp}
   * @param connected the sites that already have a first-connected time, among at least {@link
   *     #sitesGoingUp}
   * @return the steps in batch order
   */
  public static List<Step> decide(
      List<Transition> batch,
      Map<String, String> parents,
      Map<String, Incident> open,
      Set<String> connected) {
    Objects.requireNonNull(parents, "parents");
    Map<String, Current> current = new HashMap<>();
    open.forEach(
        (site, i) ->
            current.put(
                site,
                new Current(
                    Ref.stored(i.id()),
                    i.openedAt(),
                    i.parentIncidentId() == null ? null : Ref.stored(i.parentIncidentId()))));
    Set<String> seenUp = new HashSet<>(connected);
    List<Step> steps = new ArrayList<>();
    for (Transition t : batch) {
      if (t.causesChanged()) {
        continue; // a DEGRADED site's causes changed: no outage begins or ends
      }
      String site = t.siteId();
      Current cur = current.get(site);
      if (t.to() == SiteState.DOWN || t.to() == SiteState.UNREACHABLE) {
        Ref parentIncident = null;
        String parent = parents.get(site);
        if (t.to() == SiteState.UNREACHABLE && parent != null) {
          Current p = current.get(parent);
          parentIncident = p == null ? null : p.ref();
        }
        if (cur == null) {
          steps.add(new Open(site, t.to(), t.at(), t.reason(), parentIncident));
          current.put(site, new Current(Ref.openedBy(steps.size() - 1), t.at(), parentIncident));
        } else if (parentIncident != null && !parentIncident.equals(cur.parent())) {
          // Still the same outage; it now has a cause upstream.
          steps.add(new Link(cur.ref(), parentIncident));
          current.put(site, new Current(cur.ref(), cur.openedAt(), parentIncident));
        }
      } else if (t.to().isOnline() && cur != null) {
        Instant at = t.at().isBefore(cur.openedAt()) ? cur.openedAt() : t.at();
        steps.add(new Close(cur.ref(), at));
        current.remove(site);
      }
      if (t.to() == SiteState.UP && seenUp.add(site)) {
        steps.add(new FirstConnected(site, t.at()));
      }
    }
    return List.copyOf(steps);
  }

  /** A site's open incident as the batch goes on. */
  private record Current(Ref ref, Instant openedAt, Ref parent) {}
}
