package org.daitu.vcmon.demo;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's script: a few communes lose their link, their SNMP agent, their gatekeeper
 * registration or packets, one reboots, the district core fails for a while, and everything comes
 * back; then it starts over. Each step is logged so the log explains what the API shows.
 */
final class DemoScenario {
  private static final Logger log = LoggerFactory.getLogger(DemoScenario.class);

  /** One scripted event: at {@code second} of the cycle, {@code action} on {@code siteId}. */
  record Step(int second, String siteId, String what, Consumer<SimulatedEndpoint> action) {}

  static final int CYCLE_SECONDS = 240;

  private final Map<String, SimulatedEndpoint> endpoints;
  private final List<String> coreChildren;
  private final String coreId;
  private final List<Step> steps;

  DemoScenario(Map<String, SimulatedEndpoint> endpoints, String coreId, List<String> coreChildren, List<Step> steps) {
    this.endpoints = endpoints;
    this.coreId = coreId;
    this.coreChildren = coreChildren;
    this.steps = steps;
  }

  /** The default script over the demo district's sites (ids from the seeds). */
  static List<Step> defaultSteps(String polycomSite) {
    return List.of(
        new Step(15, "cat-ne", "link cut", e -> e.setCut(true)),
        new Step(30, "la-bang", "SNMP agent switched off", e -> e.setSnmpOff(true)),
        new Step(45, "ky-phu", "endpoint rebooted", e -> e.reboot(System.currentTimeMillis())),
        new Step(60, "van-yen", "link losing 70% of packets", e -> e.setLoss(0.7)),
        new Step(75, polycomSite, "H.323 gatekeeper registration lost", e -> e.setRegistered(false)),
        new Step(90, "tan-thai", "LAN cable unplugged", e -> e.setLanUp(false)),
        new Step(105, "cat-ne", "link restored", SimulatedEndpoint::clearFaults),
        new Step(120, "la-bang", "SNMP agent back", SimulatedEndpoint::clearFaults),
        new Step(125, "van-yen", "link clean again", SimulatedEndpoint::clearFaults),
        new Step(130, polycomSite, "registered again", SimulatedEndpoint::clearFaults),
        new Step(135, "tan-thai", "LAN cable back", SimulatedEndpoint::clearFaults),
        new Step(150, "district-core", "district core router down", e -> {}),
        new Step(195, "district-core", "district core router back", e -> {}));
  }

  /** Runs the steps due at second {@code s} of the cycle. */
  void at(int s) {
    for (Step step : steps) {
      if (step.second() != s) {
        continue;
      }
      log.info("Demo scenario (simulated fault) second={} site={} event=\"{}\"", s, step.siteId(), step.what());
      if (step.siteId().equals(coreId)) {
        boolean down = step.what().endsWith("down");
        endpoints.get(coreId).setCut(down);
        // Everything behind the core goes silent with it: the children become UNREACHABLE.
        for (String child : coreChildren) {
          SimulatedEndpoint e = endpoints.get(child);
          if (e != null) {
            e.setCut(down);
          }
        }
        if (!down) {
          endpoints.values().forEach(e -> e.setCut(false));
        }
      } else {
        SimulatedEndpoint e = endpoints.get(step.siteId());
        if (e != null) {
          step.action().accept(e);
        }
      }
    }
  }
}
