package org.daitu.vcmon.output.web;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.daitu.vcmon.state.StateBoard;
import org.daitu.vcmon.state.StateSnapshot;
import org.daitu.vcmon.state.Transition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/events}: the live feed of the status page, as server-sent events. One
 * {@code transitions} event per published snapshot that changed a site's state, carrying the
 * changed sites in the API's JSON shape and the new summary, so a page updates without polling;
 * a comment line every heartbeat keeps proxies from closing an idle stream.
 *
 * <p>Owned by one context (the web verticle's): transitions arrive on the monitor's thread and
 * hop here before any response is touched, so the set of streams needs no lock. The number of
 * open streams is bounded (503 beyond), and a client that does not read is dropped rather than
 * buffered without end; EventSource reconnects by itself and the page then refetches.
 */
final class SiteEvents {
  /** Enough for every screen in a district office; each stream costs one connection. */
  static final int MAX_STREAMS = 200;
  /** Below the usual 30–60 s idle timeout of reverse proxies. */
  static final Duration HEARTBEAT = Duration.ofSeconds(15);
  /** How long EventSource waits before reconnecting after the stream ends (vcmon restarting). */
  private static final long RETRY_MILLIS = 3000;

  private static final Logger log = LoggerFactory.getLogger(SiteEvents.class);

  private final Context context;
  private final StateBoard board;
  private final int target;
  private final String mode;
  private final int maxStreams;
  private final Set<HttpServerResponse> streams = new LinkedHashSet<>();
  private final long heartbeatTimer;
  private volatile boolean closed;

  /**
   * Starts the heartbeat and subscribes to the board's transitions.
   *
   * @param context the web verticle's context: every stream is written from it alone
   */
  SiteEvents(Context context, StateBoard board, int target, String mode, int maxStreams, Duration heartbeat) {
    this.context = context;
    this.board = board;
    this.target = target;
    this.mode = mode;
    this.maxStreams = maxStreams;
    this.heartbeatTimer = context.owner().setPeriodic(heartbeat.toMillis(), id -> heartbeat());
    // The board has no unsubscribe: after close() the listener stays registered but does nothing.
    board.onTransitions(
        transitions -> {
          if (!closed) {
            context.runOnContext(v -> broadcast(transitions));
          }
        });
  }

  /** Opens one stream, or answers 503 when {@link #maxStreams} are already open. */
  void open(RoutingContext ctx) {
    if (closed) {
      WebVerticle.error(ctx, 503, "vcmon is stopping; reconnect in a few seconds");
      return;
    }
    if (streams.size() >= maxStreams) {
      ctx.response().putHeader("Retry-After", "30");
      WebVerticle.error(
          ctx,
          503,
          "too many open event streams (" + maxStreams + "); close other status pages or try again later");
      return;
    }
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        // nginx buffers responses by default, which would hold events back.
        .putHeader("X-Accel-Buffering", "no");
    streams.add(response);
    response.closeHandler(v -> streams.remove(response));
    response.exceptionHandler(err -> streams.remove(response));
    // Sends the headers at once, so EventSource reports the stream open before the first change.
    response.write("retry: " + RETRY_MILLIS + "\n: connected, version " + board.snapshot().version() + "\n\n");
  }

  int openStreams() {
    return streams.size();
  }

  /** Ends every stream and stops the heartbeat; clients reconnect to the next vcmon. */
  void close() {
    closed = true;
    context.owner().cancelTimer(heartbeatTimer);
    for (HttpServerResponse r : new ArrayList<>(streams)) {
      r.end();
    }
    streams.clear();
  }

  private void broadcast(List<Transition> transitions) {
    if (closed || streams.isEmpty()) {
      return;
    }
    // The latest snapshot: at least as new as the one holding these transitions, never older.
    StateSnapshot snap = board.snapshot();
    JsonArray changes = new JsonArray();
    JsonArray sites = new JsonArray();
    Set<String> seen = new LinkedHashSet<>();
    for (Transition t : transitions) {
      changes.add(
          new JsonObject()
              .put("site", t.siteId())
              .put("from", t.from().name())
              .put("to", t.to().name())
              .put("at", SiteJson.time(t.at()))
              .put("reason", t.reason())
              .put("causes_added", new JsonArray(t.causesAdded()))
              .put("causes_cleared", new JsonArray(t.causesCleared())));
      if (seen.add(t.siteId())) {
        snap.site(t.siteId()).ifPresent(s -> sites.add(SiteJson.site(s)));
      }
    }
    JsonObject body =
        new JsonObject()
            .put("version", snap.version())
            .put("transitions", changes)
            .put("sites", sites)
            .put("summary", SiteJson.summary(snap, target, mode));
    // JSON text has no raw newlines, so one data line carries it whole.
    write("id: " + snap.version() + "\nevent: transitions\ndata: " + body.encode() + "\n\n");
  }

  private void heartbeat() {
    write(": heartbeat\n\n");
  }

  private void write(String frame) {
    for (HttpServerResponse r : new ArrayList<>(streams)) {
      if (r.writeQueueFull()) {
        // A reader that stopped reading: drop it instead of buffering events for it forever.
        log.info("Event stream dropped reason=\"client not reading\"");
        streams.remove(r);
        r.reset();
        continue;
      }
      r.write(frame)
          .onFailure(
              err -> {
                streams.remove(r);
                log.debug("Event stream write failed cause=\"{}\"", err.getMessage());
              });
    }
  }
}
