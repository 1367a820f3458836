package org.daitu.vcmon.app;

import java.time.Clock;
import java.util.List;
import org.daitu.vcmon.cluster.MemberView;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.output.alert.MemberNotices;
import org.daitu.vcmon.output.alert.Messages;
import org.daitu.vcmon.output.alert.Notification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells people when an agent leaves the cluster and when it is back: each member change goes
 * through {@link MemberNotices} and what it yields to the alert verticle, like any other
 * notification. Started once the alert verticle runs; the members up then are remembered, not
 * announced. Synchronized: changes come on the cluster's context, a reload on another.
 */
final class MemberAlerts {
  private static final Logger log = LoggerFactory.getLogger(MemberAlerts.class);

  private final MemberView members;
  private final MemberNotices notices;
  private final AlertVerticle alerts;
  private final Clock clock;

  MemberAlerts(MemberView members, AgentConfig config, Clock clock, AlertVerticle alerts) {
    this.members = members;
    this.clock = clock;
    this.alerts = alerts;
    this.notices = new MemberNotices(members.self(), new Messages(config.alerts().language(), config.zone()));
  }

  /** Remembers the members up now and follows the changes from here on. */
  synchronized void start() {
    notices.seed(members.members());
    members.onChange(m -> {
      List<Notification> out;
      synchronized (this) {
        out = notices.onChange(m, members.members(), clock.instant());
      }
      if (!out.isEmpty()) {
        alerts.notify(out).onFailure(err -> log.error("Member notice not queued vantage={} error=\"{}\"", m.vantage(), err.getMessage()));
      }
    });
  }

  /** The texts of a reloaded config's language. */
  synchronized void reconfigure(AgentConfig next) {
    notices.messages(new Messages(next.alerts().language(), next.zone()));
  }
}
