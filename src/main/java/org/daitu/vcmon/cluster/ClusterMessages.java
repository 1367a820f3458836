package org.daitu.vcmon.cluster;

import java.util.List;
import org.daitu.vcmon.state.SiteState;

/**
 * The texts the cluster adds to reasons, in English (stored in {@code reason}, matched by the
 * page's {@code REASONS_VI} patterns in text.js) and Vietnamese (for the API and messages). Keep
 * both sides in step: a test checks every English form against text.js.
 */
public final class ClusterMessages {
  private ClusterMessages() {}

  /** One text in both languages. */
  public record Text(String en, String vi) {}

  /** "not reachable from dai-tu (DOWN since 07:42)": a path problem, not an outage. */
  static Text notReachableFrom(String vantage, SiteState state, String when) {
    String why = state == SiteState.UNREACHABLE ? "cấp trên mất kết nối" : "mất kết nối";
    return new Text(
        "not reachable from " + vantage + " (" + state + " since " + when + ")",
        "không tới được từ " + vantage + " (" + why + " từ " + when + ")");
  }

  static Text noLiveVantage() {
    return new Text(
        "no live vantage watches the site",
        "không có điểm giám sát nào đang hoạt động theo dõi điểm này");
  }

  static Text noVerdictYet() {
    return new Text("no verdict yet", "chưa có kết quả");
  }

  static Text noVerdictYetFrom(List<String> vantages) {
    String names = String.join(", ", vantages);
    return new Text("no verdict yet from " + names, "chưa có kết quả từ " + names);
  }

  static Text everyWatcherBlind(List<String> vantages) {
    String names = String.join(", ", vantages);
    return new Text(
        "every live vantage watching the site is blind: " + names,
        "mọi điểm giám sát đang theo dõi điểm này đều mất tầm nhìn: " + names);
  }

  static Text leftTheCluster(String vantage) {
    return new Text(
        "vantage " + vantage + " left the cluster",
        "điểm giám sát " + vantage + " đã rời cụm");
  }

  static Text doesNotWatch(String vantage) {
    return new Text(
        "vantage " + vantage + " does not watch the site",
        "điểm giám sát " + vantage + " không theo dõi điểm này");
  }

  static Text blind(
      String vantage, int out, int measured, String witness, int witnessOnline) {
    return new Text(
        "vantage " + vantage + " is blind: " + out + " of its " + measured
            + " sites are out from it while " + witness + " sees " + witnessOnline
            + " of them online",
        "điểm giám sát " + vantage + " mất tầm nhìn: không tới được " + out + "/" + measured
            + " điểm nó theo dõi, trong khi " + witness + " vẫn thấy " + witnessOnline
            + " điểm trong số đó hoạt động");
  }
}
