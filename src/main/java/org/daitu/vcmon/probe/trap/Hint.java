package org.daitu.vcmon.probe.trap;

import java.util.List;

/**
 * What one accepted notification asks of the monitor: check some sites now. It decides nothing;
 * the checks it brings forward do.
 *
 * @param source the sender's IP address
 * @param sites the sites at that address (usually one)
 * @param meaning what the notification was
 * @param recheck the sites to check now: the senders, and for a link notification every site
 *     behind them (children, their children...)
 */
public record Hint(String source, List<String> sites, Meaning meaning, List<String> recheck) {
  public Hint {
    sites = List.copyOf(sites);
    recheck = List.copyOf(recheck);
  }

  /** Whether the senders restarted (coldStart, warmStart): a reboot to record. */
  public boolean restart() {
    return meaning.kind() == Meaning.Kind.RESTART;
  }

  /** Whether the rechecks follow one another back to back for a while (a link went down or up). */
  public boolean urgent() {
    return meaning.kind() == Meaning.Kind.LINK;
  }
}
