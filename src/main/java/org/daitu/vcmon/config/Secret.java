package org.daitu.vcmon.config;

import java.util.Objects;

/**
 * A credential (SNMP community, v3 password, token). Its {@link #toString()} never shows the
 * value, so a secret cannot leak through logs, error messages or the API by accident; code that
 * needs the value calls {@link #reveal()} at the last moment.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value);
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "<secret>";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
