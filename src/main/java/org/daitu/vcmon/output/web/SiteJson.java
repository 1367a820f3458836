package org.daitu.vcmon.output.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.daitu.vcmon.probe.IcmpResult;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteCause;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateSnapshot;
import org.daitu.vcmon.state.VantageStatus;

/**
 * The JSON shapes of the API (the contract in docs/api.md): pure functions from snapshot records
 * to Vert.x JSON. Numbers that are unknown are null, never NaN; times are ISO-8601 UTC.
 */
final class SiteJson {
  private SiteJson() {}

  static JsonObject sites(StateSnapshot snap, int target, String mode) {
    JsonArray list = new JsonArray();
    for (SiteStatus s : snap.sites()) {
      list.add(site(s));
    }
    return new JsonObject().put("sites", list).put("summary", summary(snap, target, mode));
  }

  static JsonObject summary(StateSnapshot snap, int target, String mode) {
    JsonObject states = new JsonObject();
    for (SiteState s : SiteState.values()) {
      states.put(s.name(), snap.count(s));
    }
    return new JsonObject()
        .put("total", snap.sites().size())
        .put("online", snap.unitsOnline())
        .put("connected", snap.unitsConnected())
        .put("target", target)
        .put("states", states)
        .put("mode", mode)
        .put("at", time(snap.at()));
  }

  static JsonObject site(SiteStatus s) {
    JsonObject o =
        new JsonObject()
            .put("id", s.id())
            .put("code", s.site().code().isEmpty() ? null : s.site().code())
            .put("name", s.site().name())
            .put("type", s.site().type().label())
            .put("parent", s.site().parent())
            .put("state", s.state().name())
            .put("since", time(s.since()))
            .put("reason", s.reason())
            .put("causes", causes(s))
            .put("flapping", s.flapping())
            .put("last_check", time(s.lastCheckAt()))
            .put("reboots", s.reboots())
            .put("last_reboot", time(s.lastRebootAt()))
            .put("icmp", icmp(s.icmp()))
            .put("snmp", s.site().snmp() == null ? null : snmp(s.snmp(), s.lastSnmpOk(), s.lastSnmpOkAt()))
            .put(
                "rollout",
                new JsonObject()
                    .put("stage", s.site().stage().label())
                    .put("first_connected", time(s.firstConnected())));
    if (s.owner() != null || !s.vantages().isEmpty()) {
      o.put("vantages", vantages(s)).put("owner", s.owner());
    }
    if (s.site().location() != null) {
      o.put(
          "location",
          new JsonObject().put("lat", s.site().location().lat()).put("lon", s.site().location().lon()));
    } else {
      o.put("location", null);
    }
    return o;
  }

  /** With several agents: each vantage's own verdict and whether it counted, by vantage id. */
  static JsonObject vantages(SiteStatus s) {
    JsonObject out = new JsonObject();
    for (VantageStatus v : s.vantages()) {
      out.put(
          v.vantage(),
          new JsonObject()
              .put("state", v.state().name())
              .put("since", time(v.since()))
              .put("reason", v.reason())
              .put("standing", v.standing())
              .put("note", v.note())
              .put("note_vi", v.noteVi()));
    }
    return out;
  }

  /** What makes a DEGRADED site so, in full (the reason is a summary), each with its time. */
  static JsonArray causes(SiteStatus s) {
    JsonArray out = new JsonArray();
    for (SiteCause c : s.causes()) {
      out.add(new JsonObject().put("key", c.key()).put("text", c.text()).put("since", time(c.since())));
    }
    return out;
  }

  static JsonObject icmp(IcmpResult r) {
    JsonObject o = new JsonObject();
    if (r == null) {
      return o.put("loss_ratio", null).put("rtt_seconds", null);
    }
    return o.put("loss_ratio", num(r.lossRatio()))
        .put("rtt_seconds", num(r.rttAvgSeconds()))
        .put("rtt_min_seconds", num(r.rttMinSeconds()))
        .put("rtt_max_seconds", num(r.rttMaxSeconds()))
        .put("jitter_seconds", num(r.jitterSeconds()))
        .put("sent", r.sent())
        .put("received", r.received())
        .put("unavailable", r.unavailableReason());
  }

  /**
   * Current SNMP status from the last poll; identity, uptime and interfaces from the last answer,
   * with {@code answered_at} saying how old they are (older than the last check once the agent
   * fell silent).
   */
  static JsonObject snmp(SnmpResult last, SnmpResult lastOk, Instant answeredAt) {
    JsonObject o = new JsonObject().put("up", last != null && last.ok());
    o.put("status", last == null ? null : last.status().name());
    o.put("reason", last == null || last.ok() ? null : last.reason());
    o.put("answered_at", time(answeredAt));
    SnmpResult id = lastOk;
    o.put("uptime_seconds", id == null ? null : num(id.uptimeSeconds()));
    o.put("sys_name", id == null ? null : id.sysName());
    o.put("sys_descr", id == null ? null : id.sysDescr());
    o.put("sys_object_id", id == null ? null : id.sysObjectId());
    o.put("vendor", id == null ? null : id.vendor());
    o.put("vendor_profile", id == null ? null : id.vendorProfile());
    o.put("active_calls", id == null ? null : id.activeCalls());
    JsonArray problems = new JsonArray();
    JsonArray regs = new JsonArray();
    JsonArray ifs = new JsonArray();
    if (id != null) {
      id.problems().forEach(problems::add);
      id.registrationFailures().forEach(regs::add);
      for (InterfaceStatus i : id.interfaces()) {
        ifs.add(iface(i));
      }
    }
    o.put("problems", problems);
    o.put("registration_failures", regs);
    o.put("interfaces", ifs);
    o.put("interfaces_partial", id != null && id.interfacesPartial());
    return o;
  }

  /** One interface row: what the agent said of it, and whether (and why) it judges the site. */
  static JsonObject iface(InterfaceStatus i) {
    return new JsonObject()
        .put("index", i.index())
        .put("name", i.name())
        .put("descr", i.descr())
        .put("alias", i.alias())
        .put("type", i.type() == 0 ? null : i.type())
        .put("admin_status", i.adminStatus())
        .put("oper_status", i.operStatus())
        .put("carries_polled_address", i.carriesPolledAddress())
        .put("judged", i.judged() != null)
        .put("judged_because", i.judged() == null ? null : i.judged().text());
  }

  /** Milliseconds, like the store keeps them: a time reads the same before and after a restart. */
  static String time(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  static Double num(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
  }
}
