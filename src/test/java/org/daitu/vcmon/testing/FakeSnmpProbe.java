package org.daitu.vcmon.testing;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.daitu.vcmon.config.SnmpProfile;
import org.daitu.vcmon.probe.SnmpProbe;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;

/**
 * An SNMP probe scripted per address: every agent answers (a generic endpoint up for an hour)
 * unless told otherwise. Sends nothing. Any thread.
 */
public final class FakeSnmpProbe implements SnmpProbe {
  private final Map<String, SnmpResult> scripted = new ConcurrentHashMap<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  public static SnmpResult answering(String sysName, long uptimeTicks) {
    return new SnmpResult(
        SnmpStatus.OK, null, uptimeTicks, sysName, "fake endpoint", "1.3.6.1.4.1.8072.3.2.10",
        List.of(), "generic", null, List.of());
  }

  /** The agent at that address stops answering. */
  public FakeSnmpProbe silent(String address) {
    scripted.put(address, SnmpResult.failed(SnmpStatus.TIMEOUT, "no SNMP answer within 1s (2 attempts)"));
    return this;
  }

  /** The agent at that address answers normally again. */
  public FakeSnmpProbe answer(String address) {
    scripted.remove(address);
    return this;
  }

  public boolean started() {
    return started.get();
  }

  public boolean closed() {
    return closed.get();
  }

  @Override
  public Future<SnmpResult> poll(
      String address, int port, SnmpProfile profile, List<String> interfaces) {
    return Future.succeededFuture(scripted.getOrDefault(address, answering(address, 360_000)));
  }

  @Override
  public Future<Void> start() {
    started.set(true);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    closed.set(true);
    return Future.succeededFuture();
  }
}
