package org.daitu.vcmon.probe.icmp;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.daitu.vcmon.probe.IcmpMethod;
import org.daitu.vcmon.probe.IcmpProbe;
import org.daitu.vcmon.probe.IcmpResult;

/**
 * The ICMP probe chosen at start ({@link IcmpMethod#decide}) with the method and why, for the
 * log, the API and /readyz. When no method works it pings through fping, which then answers
 * "fping not found": that reason is widened to every way tried and how to allow each, so a site's
 * reason and /readyz say all of it. Once fping is installed its own answers pass through.
 */
public final class ChosenIcmp implements IcmpProbe {
  private final IcmpProbe probe;
  private final IcmpMethod method;
  private final String fpingMissing;

  /**
   * @param fpingMissing fping's own "not found" reason, replaced by {@code method.why()} when no
   *     method works; null otherwise
   */
  public ChosenIcmp(IcmpProbe probe, IcmpMethod method, String fpingMissing) {
    this.probe = probe;
    this.method = method;
    this.fpingMissing = method.kind() == IcmpMethod.Kind.NONE ? fpingMissing : null;
  }

  @Override
  public IcmpMethod method() {
    return method;
  }

  @Override
  public Future<Map<String, IcmpResult>> ping(Collection<String> addresses) {
    if (fpingMissing == null) {
      return probe.ping(addresses);
    }
    return probe.ping(addresses).map(results -> {
      Map<String, IcmpResult> out = new LinkedHashMap<>();
      results.forEach((a, r) -> out.put(a, fpingMissing.equals(r.unavailableReason()) ? IcmpResult.unavailable(method.why()) : r));
      return out;
    });
  }

  @Override
  public String unavailableReason() {
    String reason = probe.unavailableReason();
    return reason != null && reason.equals(fpingMissing) ? method.why() : reason;
  }

  @Override
  public Future<Void> close() {
    return probe.close();
  }
}
