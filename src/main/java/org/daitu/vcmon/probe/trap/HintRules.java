package org.daitu.vcmon.probe.trap;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.inventory.IpLiteral;
import org.daitu.vcmon.inventory.Site;

/**
 * Which sites a notification concerns: its sender is the site (or sites) whose {@code address} is
 * the datagram's source IP — sites given by host name are not matched, since a trap only carries
 * an address; a link notification also concerns every site behind the sender in the inventory
 * (children, grandchildren...), whose path it may have cut. Pure and immutable: one instance per
 * inventory, safe to read from any thread.
 */
public final class HintRules {
  private final Inventory inventory;
  /** Site ids by normalized IP address. */
  private final Map<String, List<String>> byAddress = new HashMap<>();

  public HintRules(Inventory inventory) {
    this.inventory = inventory;
    for (Site s : inventory.sites()) {
      String ip = normalize(s.address());
      if (ip != null) {
        byAddress.computeIfAbsent(ip, k -> new ArrayList<>()).add(s.id());
      }
    }
    byAddress.replaceAll((k, v) -> List.copyOf(v));
  }

  /** Whether a datagram from {@code sourceIp} may be read at all: the address of a site. */
  public boolean known(String sourceIp) {
    String ip = normalize(sourceIp);
    return ip != null && byAddress.containsKey(ip);
  }

  /**
   * What a notification from {@code sourceIp} asks for; empty when the sender is no site or the
   * notification means nothing to vcmon.
   */
  public Optional<Hint> hint(String sourceIp, Meaning meaning) {
    String ip = normalize(sourceIp);
    List<String> sites = ip == null ? null : byAddress.get(ip);
    if (sites == null || !meaning.acts()) {
      return Optional.empty();
    }
    Set<String> recheck = new LinkedHashSet<>(sites);
    if (meaning.kind() == Meaning.Kind.LINK) {
      Deque<String> todo = new ArrayDeque<>(sites);
      while (!todo.isEmpty()) {
        for (Site child : inventory.children(todo.poll())) {
          if (recheck.add(child.id())) {
            todo.add(child.id());
          }
        }
      }
    }
    return Optional.of(new Hint(ip, sites, meaning, new ArrayList<>(recheck)));
  }

  /** An IP literal in its canonical text ({@code 198.18.1.10}, {@code fd00:0:0:0:0:0:0:5}); null otherwise. */
  static String normalize(String address) {
    if (address == null || !IpLiteral.isIpLiteral(address)) {
      return null;
    }
    try {
      return InetAddress.getByName(address).getHostAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
