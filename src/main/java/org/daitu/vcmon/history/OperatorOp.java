package org.daitu.vcmon.history;

import java.time.Instant;
import java.util.Objects;

/**
 * One operator write (a rollout stage set, a maintenance window added or removed, an incident
 * acknowledged) as every agent of a cluster applies it: made once on the agent whose API took it,
 * then sent to the others, each of which applies it once, by id. A single agent keeps them too,
 * so that its writes reach the agents it is later clustered with.
 *
 * @param id unique across the cluster: {@code <origin vantage>:<random UUID>}, so that an agent
 *     whose store was wiped can never reuse an id
 * @param at when it was made, by its origin's clock; the order of writes to one thing
 * @param kind what it does, e.g. {@code maintenance.add}; an agent keeps ops of a kind it does
 *     not know (from a newer agent) and passes them on, without applying them
 * @param origin the vantage of the agent that made it ({@code local} for a single agent)
 * @param body what it carries, a JSON object as text; its fields depend on the kind
 */
public record OperatorOp(String id, Instant at, String kind, String origin, String body) {
  /** A site's rollout stage set: {@code {"site", "stage"}} (stage: the enum name). */
  public static final String STAGE_SET = "stage.set";
  /**
   * A maintenance window added: {@code {"uid", "site" (null: all), "start", "end" (epoch ms),
   * "day" (1 = Monday .. 7), "from", "to" ("HH:MM"), "note"}}, one-off or weekly.
   */
  public static final String MAINTENANCE_ADD = "maintenance.add";
  /** A maintenance window removed: {@code {"uid"}}. */
  public static final String MAINTENANCE_REMOVE = "maintenance.remove";
  /**
   * An incident acknowledged: {@code {"site", "opened_at", "closed_at" (epoch ms; null: open),
   * "note"}}, the incident as the origin knew it.
   */
  public static final String INCIDENT_ACK = "incident.ack";

  public OperatorOp {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(body, "body");
  }
}
