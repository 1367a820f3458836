package org.daitu.vcmon.output.web;

import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateSnapshot;

/**
 * The body of {@code GET /api/v1/sites}, the same bytes as {@link SiteJson#sites} encodes, built
 * from pieces: each site's JSON is kept while the snapshot holds the same status object for it
 * (the tracker reuses a site's status until something in it changes), so a request re-encodes
 * only the sites checked since the last one. The body of the last snapshot is reused as is.
 * Thread-safe; CPU work proportional to the site count on a miss, so call it off the event loop.
 */
final class SitesBody {
  private record Piece(SiteStatus status, Buffer json) {}

  private record Rendered(StateSnapshot snapshot, Buffer body) {}

  private final int target;
  private final String mode;
  private final Map<String, Piece> pieces = new ConcurrentHashMap<>();
  private final AtomicReference<Rendered> last = new AtomicReference<>();

  SitesBody(int target, String mode) {
    this.target = target;
    this.mode = mode;
  }

  Buffer render(StateSnapshot snap) {
    Rendered r = last.get();
    if (r != null && r.snapshot == snap) {
      return r.body;
    }
    Buffer body = Buffer.buffer(r == null ? 1 << 16 : r.body.length() + 4096);
    body.appendString("{\"sites\":[");
    boolean first = true;
    for (SiteStatus s : snap.sites()) {
      Piece p = pieces.get(s.id());
      if (p == null || p.status != s) {
        p = new Piece(s, SiteJson.site(s).toBuffer());
        pieces.put(s.id(), p);
      }
      if (!first) {
        body.appendByte((byte) ',');
      }
      first = false;
      body.appendBuffer(p.json);
    }
    body.appendString("],\"summary\":").appendBuffer(SiteJson.summary(snap, target, mode).toBuffer());
    body.appendByte((byte) '}');
    if (pieces.size() > snap.sites().size()) {
      pieces.keySet().retainAll(snap.sites().stream().map(SiteStatus::id).toList());
    }
    last.set(new Rendered(snap, body));
    return body;
  }
}
