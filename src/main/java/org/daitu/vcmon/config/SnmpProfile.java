package org.daitu.vcmon.config;

/**
 * SNMP credentials, referenced by name from sites ({@code snmp: {profile: NAME}}).
 * For v2c only {@code community} is set; for v3 the USM fields (authPriv or authNoPriv).
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
    V2C("2c"),
    V3("3");

    private final String label;

    Version(String label) {
      this.label = label;
    }

    public String label() {
      return label;
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
