package org.daitu.vcmon.state;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Where the owner of the tracker publishes what it decided, and where outputs read it: the latest
 * {@link StateSnapshot} (lock-free, from any thread) and the stream of {@link Transition}s.
 * Listeners are called on the publisher's thread and must not block.
 */
public final class StateBoard {
  private final AtomicReference<StateSnapshot> latest;
  private final List<Consumer<List<Transition>>> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<StateSnapshot>> snapshotListeners = new CopyOnWriteArrayList<>();

  public StateBoard(StateSnapshot initial) {
    this.latest = new AtomicReference<>(initial);
  }

  public StateSnapshot snapshot() {
    return latest.get();
  }

  /** Called with each batch of transitions, after the snapshot that contains them is visible. */
  public void onTransitions(Consumer<List<Transition>> listener) {
    listeners.add(listener);
  }

  /** Called with every published snapshot (after each batch of checks). */
  public void onSnapshot(Consumer<StateSnapshot> listener) {
    snapshotListeners.add(listener);
  }

  public void publish(StateSnapshot snapshot, List<Transition> transitions) {
    latest.set(snapshot);
    for (Consumer<StateSnapshot> l : snapshotListeners) {
      l.accept(snapshot);
    }
    if (!transitions.isEmpty()) {
      for (Consumer<List<Transition>> l : listeners) {
        l.accept(transitions);
      }
    }
  }
}
