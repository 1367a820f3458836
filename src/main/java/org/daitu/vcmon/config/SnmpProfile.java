package org.daitu.vcmon.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * SNMP credentials, referenced by name from sites ({@code snmp: {profile: NAME}}).
 * For v1 and v2c only {@code community} is set; for v3 the USM fields (authPriv or authNoPriv).
 */
public record SnmpProfile(
    String name,
    Version version,
    Secret community,
    String user,
    AuthProtocol authProtocol,
    Secret authPassword,
    PrivProtocol privProtocol,
    Secret privPassword) {

  public enum Version {
    /** SNMPv1 (RFC 1157): community, no GETBULK, no exception values, no Counter64. */
    V1("1"),
    V2C("2c"),
    V3("3");

    private final String label;

    Version(String label) {
      this.label = label;
    }

    /** As written in the config ({@code version: 2c}). */
    public String label() {
      return label;
    }

    /** Whether the version authenticates with a community (v1, v2c) rather than a USM user. */
    public boolean communityBased() {
      return this != V3;
    }

    /** The version written {@code text} in the config, exactly as {@link #label()} has it. */
    public static Optional<Version> of(String text) {
      return Arrays.stream(values()).filter(v -> v.label.equals(text)).findFirst();
    }

    /** The labels, for messages: {@code 1, 2c, 3}. */
    public static String labels() {
      return String.join(", ", Arrays.stream(values()).map(Version::label).toList());
    }
  }

  public enum AuthProtocol {
    MD5,
    SHA,
    SHA256,
    SHA512
  }

  public enum PrivProtocol {
    DES,
    AES,
    AES256
  }

  public static SnmpProfile v1(String name, Secret community) {
    return new SnmpProfile(name, Version.V1, community, null, null, null, null, null);
  }

  public static SnmpProfile v2c(String name, Secret community) {
    return new SnmpProfile(name, Version.V2C, community, null, null, null, null, null);
  }

  public static SnmpProfile v3(
      String name,
      String user,
      AuthProtocol auth,
      Secret authPassword,
      PrivProtocol priv,
      Secret privPassword) {
    return new SnmpProfile(name, Version.V3, null, user, auth, authPassword, priv, privPassword);
  }
}
