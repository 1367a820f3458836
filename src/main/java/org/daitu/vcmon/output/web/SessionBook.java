package org.daitu.vcmon.output.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The operators' signed-in sessions, in memory: a restart signs everyone out. A session ends after
 * {@link Settings#idle} without use and, used or not, {@link Settings#absolute} after sign-in.
 * Session ids and CSRF tokens are 256 random bits; the book keeps only the ids' SHA-256, so a
 * memory dump holds no usable cookie. At most {@link Settings#max} sessions are held, the least
 * recently used ended first. Pure apart from the random source: an injected clock, no I/O. Not
 * thread-safe: owned by the web verticle's event loop.
 */
public final class SessionBook {
  /**
   * @param idle a session unused this long ends
   * @param absolute a session ends this long after sign-in, however often used
   * @param max most sessions held at once
   */
  public record Settings(Duration idle, Duration absolute, int max) {
    public static final Settings DEFAULT = new Settings(Duration.ofHours(12), Duration.ofDays(7), 1_000);
  }

  /** One session. The id is only known to the book at {@link #open} (the cookie's value). */
  public static final class Session {
    private final String id;
    private final String operator;
    private final byte[] tokenDigest;
    private final String csrf;
    private final Instant created;
    private Instant lastUsed;

    private Session(String id, String operator, byte[] tokenDigest, String csrf, Instant created) {
      this.id = id;
      this.operator = operator;
      this.tokenDigest = tokenDigest;
      this.csrf = csrf;
      this.created = created;
      this.lastUsed = created;
    }

    /** The cookie's value: set only on the session {@link #open} returns, null on found ones. */
    public String id() {
      return id;
    }

    public String operator() {
      return operator;
    }

    byte[] tokenDigest() {
      return tokenDigest;
    }

    public String csrf() {
      return csrf;
    }

    public Instant created() {
      return created;
    }

    public Instant lastUsed() {
      return lastUsed;
    }
  }

  private final Settings settings;
  private final Clock clock;
  private final SecureRandom random;
  private final Map<String, Session> sessions;

  public SessionBook(Settings settings, Clock clock) {
    this(settings, clock, new SecureRandom());
  }

  SessionBook(Settings settings, Clock clock, SecureRandom random) {
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.sessions =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
            return size() > settings.max();
          }
        };
  }

  /** A new session for {@code operator}; its {@link Session#id()} goes into the cookie. */
  public Session open(String operator, byte[] tokenDigest) {
    String id = randomText();
    Instant now = clock.instant();
    Session s = new Session(id, operator, tokenDigest, randomText(), now);
    sessions.put(key(id), new Session(null, operator, tokenDigest, s.csrf, now));
    return s;
  }

  /** The live session with this id, its idle time restarted; ended (and forgotten) when expired. */
  public Optional<Session> find(String id) {
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    String key = key(id);
    Session s = sessions.get(key);
    if (s == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (expired(s, now)) {
      sessions.remove(key);
      return Optional.empty();
    }
    s.lastUsed = now;
    return Optional.of(s);
  }

  /** Ends the session with this id; false when there was none. */
  public boolean close(String id) {
    return id != null && sessions.remove(key(id)) != null;
  }

  /** Ends the sessions {@code keep} refuses (e.g. of an operator no longer configured); how many. */
  public int retain(Predicate<Session> keep) {
    int before = sessions.size();
    sessions.values().removeIf(s -> !keep.test(s));
    return before - sessions.size();
  }

  /** Sessions held now, expired ones not yet looked at included. */
  public int size() {
    return sessions.size();
  }

  /** When {@code s} ends if not used again. */
  public Instant expiresAt(Session s) {
    Instant idleEnd = s.lastUsed.plus(settings.idle());
    Instant hardEnd = s.created.plus(settings.absolute());
    return idleEnd.isBefore(hardEnd) ? idleEnd : hardEnd;
  }

  public Settings settings() {
    return settings;
  }

  private boolean expired(Session s, Instant now) {
    return !now.isBefore(expiresAt(s));
  }

  private String randomText() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String key(String id) {
    return HexFormat.of().formatHex(OperatorTokens.digest(id));
  }
}
