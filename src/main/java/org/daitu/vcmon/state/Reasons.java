package org.daitu.vcmon.state;

import java.util.ArrayList;
import java.util.List;

/**
 * Reason texts short enough for a table cell, a log line and a chat message: the causes joined
 * with "; ", the down interfaces of a site folded into one count with their first names, and the
 * whole cut at {@link #MAX_LENGTH} characters. The full list stays in the API's causes.
 */
public final class Reasons {
  /** The longest reason vcmon writes. */
  public static final int MAX_LENGTH = 300;

  /** Names listed before "…" when several interfaces are down. */
  private static final int NAMES_SHOWN = 3;

  static final String INTERFACE_KEY = "interface:";

  private Reasons() {}

  /** The causes' texts as one reason, interfaces folded ("4 interfaces down: a, b, c, …"). */
  public static String summarise(List<Cause> causes) {
    List<String> parts = new ArrayList<>();
    List<String> downInterfaces = new ArrayList<>();
    int interfacesAt = -1;
    for (Cause c : causes) {
      if (c.key().startsWith(INTERFACE_KEY)) {
        if (interfacesAt < 0) {
          interfacesAt = parts.size();
          parts.add(null); // the folded interfaces go where the first one was
        }
        downInterfaces.add(c.key().substring(INTERFACE_KEY.length()));
      } else {
        parts.add(c.text());
      }
    }
    if (interfacesAt >= 0) {
      parts.set(
          interfacesAt,
          downInterfaces.size() == 1
              ? causes.stream().filter(c -> c.key().startsWith(INTERFACE_KEY)).findFirst().orElseThrow().text()
              : folded(downInterfaces));
    }
    return cut(String.join("; ", parts));
  }

  private static String folded(List<String> names) {
    StringBuilder b = new StringBuilder().append(names.size()).append(" interfaces down: ");
    b.append(String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size()))));
    if (names.size() > NAMES_SHOWN) {
      b.append(", …");
    }
    return b.toString();
  }

  /** At most {@link #MAX_LENGTH} characters, an ellipsis marking a cut; never splits a pair. */
  public static String cut(String reason) {
    if (reason == null || reason.length() <= MAX_LENGTH) {
      return reason;
    }
    int end = MAX_LENGTH - 1;
    if (Character.isHighSurrogate(reason.charAt(end - 1))) {
      end--;
    }
    return reason.substring(0, end) + "…";
  }
}
