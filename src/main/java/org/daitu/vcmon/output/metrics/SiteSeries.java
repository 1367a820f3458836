package org.daitu.vcmon.output.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.state.SiteState;
import org.daitu.vcmon.state.SiteStatus;
import org.daitu.vcmon.state.StateSnapshot;

/**
 * The per-site series of {@code /metrics}, written as Prometheus text (format 0.0.4) in one pass
 * over a {@link StateSnapshot}. About 17 series a site: at 10,000 sites, registered as Micrometer
 * gauges, they took seconds to register and most of a second per scrape; here a scrape is one
 * loop writing bytes, the label text of a site is built once, and a family whose values did not
 * change since the last scrape is not written again.
 *
 * <p>Sites come from the snapshot, so a new inventory needs no registration. Thread-safe
 * (scrapes take turns).
 */
final class SiteSeries {
  /** A family of one series per site (or per site and state for {@link #STATE}). */
  record Family(
      String name, String type, String help, boolean snmpOnly, ToDoubleFunction<SiteStatus> value) {}

  /** Marks the family written with one series per state and a {@code state} label. */
  static final ToDoubleFunction<SiteStatus> STATE = s -> Double.NaN;

  /** Marks the family whose labels are the site's metadata; its value is always 1. */
  static final ToDoubleFunction<SiteStatus> INFO = s -> 1;

  private static final SiteState[] STATES = sortedStates();

  private final List<Family> families;
  private final Function<Site, String> infoLabels;
  private final Map<Site, byte[]> infoCache = new ConcurrentHashMap<>();
  private final AtomicReference<Rendered> last = new AtomicReference<>();
  /** The sites of the last rendering, their label text, and per family its values and text. */
  private Site[] siteRefs = new Site[0];
  private byte[][] ids = new byte[0][];
  private final double[][] values;
  private final byte[][] blocks;

  private record Rendered(StateSnapshot snapshot, List<byte[]> text) {}

  /**
   * @param infoLabels the metadata labels of {@link #INFO} families (without braces, sorted by
   *     name, {@code site} among them)
   */
  SiteSeries(List<Family> families, Function<Site, String> infoLabels) {
    this.families = List.copyOf(families);
    this.infoLabels = infoLabels;
    this.values = new double[this.families.size()][];
    this.blocks = new byte[this.families.size()][];
  }

  /**
   * The text of every family for this snapshot, one piece per family, to be sent in order. The
   * pieces are never changed afterwards: a scrape of megabytes is not copied into one array.
   */
  synchronized List<byte[]> render(StateSnapshot snapshot) {
    Rendered r = last.get();
    if (r != null && r.snapshot == snapshot) {
      return r.text;
    }
    List<SiteStatus> sites = snapshot.sites();
    boolean sameSites = sites.size() == siteRefs.length;
    for (int i = 0; sameSites && i < siteRefs.length; i++) {
      sameSites = siteRefs[i] == sites.get(i).site();
    }
    if (!sameSites) {
      siteRefs = new Site[sites.size()];
      ids = new byte[sites.size()][];
      for (int i = 0; i < ids.length; i++) {
        siteRefs[i] = sites.get(i).site();
        ids[i] = ("site=\"" + escape(sites.get(i).id()) + "\"").getBytes(StandardCharsets.UTF_8);
      }
      Arrays.fill(blocks, null);
      if (infoCache.size() > 2 * sites.size() + 16) {
        infoCache.clear(); // sites left the inventory: do not keep their labels forever
      }
    }
    for (int f = 0; f < families.size(); f++) {
      // a family whose values did not change since the last scrape keeps its text (most of them:
      // states, metadata, flapping; only RTT, jitter and uptime move with every check)
      double[] now = values(families.get(f), sites);
      if (blocks[f] == null || !Arrays.equals(now, values[f])) {
        blocks[f] = block(families.get(f), sites, now);
        values[f] = now;
      }
    }
    List<byte[]> text = List.of(blocks.clone());
    last.set(new Rendered(snapshot, text));
    return text;
  }

  /** A family's value for each site (the state's ordinal for {@link #STATE}). */
  private static double[] values(Family f, List<SiteStatus> sites) {
    double[] v = new double[sites.size()];
    for (int i = 0; i < v.length; i++) {
      SiteStatus s = sites.get(i);
      v[i] = f.value() == STATE ? s.state().ordinal() : f.value().applyAsDouble(s);
    }
    return v;
  }

  private byte[] block(Family f, List<SiteStatus> sites, double[] values) {
    Out out = new Out(64 + sites.size() * (f.value() == STATE ? 7 * 64 : 64));
    out.ascii("# HELP ").utf8(f.name()).ascii(" ").utf8(f.help()).ascii("\n");
    out.ascii("# TYPE ").utf8(f.name()).ascii(" ").ascii(f.type()).ascii("\n");
    byte[] name = (f.name() + "{").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < ids.length; i++) {
      SiteStatus s = sites.get(i);
      if (f.snmpOnly() && s.site().snmp() == null) {
        continue;
      }
      if (f.value() == STATE) {
        for (SiteState state : STATES) {
          out.bytes(name).bytes(ids[i]).ascii(",state=\"").ascii(state.name()).ascii("\"} ");
          out.value(values[i] == state.ordinal() ? 1 : 0);
        }
      } else if (f.value() == INFO) {
        out.bytes(name).bytes(info(s.site())).ascii("} ").value(1);
      } else {
        out.bytes(name).bytes(ids[i]).ascii("} ").value(values[i]);
      }
    }
    return out.toArray();
  }

  /** Forgets the metadata of sites that are not among {@code sites} (after a reload). */
  void retain(Collection<Site> sites) {
    infoCache.keySet().retainAll(new HashSet<>(sites));
  }

  private byte[] info(Site site) {
    return infoCache.computeIfAbsent(site, s -> infoLabels.apply(s).getBytes(StandardCharsets.UTF_8));
  }

  /** A label value as the text format wants it: backslash, quote and newline escaped. */
  static String escape(String v) {
    if (v.indexOf('\\') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0) {
      return v;
    }
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** States in label order, as Micrometer wrote them (alphabetical). */
  private static SiteState[] sortedStates() {
    SiteState[] s = SiteState.values().clone();
    Arrays.sort(s, (a, b) -> a.name().compareTo(b.name()));
    return s;
  }

  /** A growing byte buffer; one per rendering, so no locking. */
  private static final class Out {
    private byte[] buf;
    private int n;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    Out bytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, n, b.length);
      n += b.length;
      return this;
    }

    /** ASCII text: one byte per char, no encoder. */
    Out ascii(String s) {
      int len = s.length();
      ensure(len);
      for (int i = 0; i < len; i++) {
        buf[n++] = (byte) s.charAt(i);
      }
      return this;
    }

    Out utf8(String s) {
      return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A sample value and the line end, written as the Prometheus client writes doubles. */
    Out value(double v) {
      if (v == 0) {
        ascii("0.0");
      } else if (v == 1) {
        ascii("1.0");
      } else if (Double.isNaN(v)) {
        ascii("NaN");
      } else if (Double.isInfinite(v)) {
        ascii(v > 0 ? "+Inf" : "-Inf");
      } else {
        ascii(Double.toString(v));
      }
      return ascii("\n");
    }

    private void ensure(int more) {
      if (n + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
      }
    }

    byte[] toArray() {
      return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }
  }
}
