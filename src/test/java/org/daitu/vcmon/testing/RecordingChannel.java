package org.daitu.vcmon.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.daitu.vcmon.output.alert.Channel;
import org.daitu.vcmon.output.alert.Notification;

/**
 * A channel that accepts every notification and keeps it, in order of delivery. After {@link
 * #hold()} a send hangs, as to a peer that does not answer, until {@link #release()} delivers it
 * or {@link #close()} fails it. Any thread.
 */
public final class RecordingChannel implements Channel {
  private final String name;
  private final List<Notification> delivered = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private volatile boolean holding;
  private final List<Held> held = new CopyOnWriteArrayList<>();

  private record Held(Context context, Notification notification, Promise<Void> promise) {
    void end(Runnable r) {
      if (context == null) {
        r.run();
      } else {
        context.runOnContext(v -> r.run());
      }
    }
  }

  /** From now on sends hang until {@link #release()} or {@link #close()}. */
  public RecordingChannel hold() {
    holding = true;
    return this;
  }

  /** Sends hanging now. */
  public int inFlight() {
    return held.size();
  }

  /** Delivers the hanging sends; sends end at once again. */
  public RecordingChannel release() {
    holding = false;
    for (Held h : held) {
      held.remove(h);
      h.end(
          () -> {
            delivered.add(h.notification());
            h.promise().tryComplete();
          });
    }
    return this;
  }

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
    if (holding) {
      Promise<Void> promise = Promise.promise();
      held.add(new Held(Vertx.currentContext(), n, promise));
      return promise.future();
    }
    delivered.add(n);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    closed = true;
    for (Held h : held) {
      held.remove(h);
      h.end(() -> h.promise().tryFail(new IllegalStateException(name + ": channel closed")));
    }
    return Future.succeededFuture();
  }
}
