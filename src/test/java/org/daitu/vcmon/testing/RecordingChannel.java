package org.daitu.vcmon.testing;

import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.daitu.vcmon.output.alert.Channel;
import org.daitu.vcmon.output.alert.Notification;

/** A channel that accepts every notification and keeps it, in order of delivery. Any thread. */
public final class RecordingChannel implements Channel {
  private final String name;
  private final List<Notification> delivered = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public RecordingChannel(String name) {
    this.name = name;
  }

  public List<Notification> delivered() {
    return List.copyOf(delivered);
  }

  public boolean closed() {
    return closed;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean accepts(Notification n) {
    return true;
  }

  @Override
  public Future<Void> send(Notification n) {
    delivered.add(n);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    closed = true;
    return Future.succeededFuture();
  }
}
