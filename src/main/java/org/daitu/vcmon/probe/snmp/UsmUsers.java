package org.daitu.vcmon.probe.snmp;

import org.daitu.vcmon.config.SnmpProfile;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthMD5;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.PrivDES;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;

/**
 * SNMPv3 users from {@code snmp_profiles}: the USM user of a v3 profile and the protocols every
 * profile may name. Shared by the poller's sessions and the trap receiver, so both read a profile
 * alike.
 */
public final class UsmUsers {
  private UsmUsers() {}

  /** The authentication and privacy protocols a profile may name, and no others. */
  public static SecurityProtocols protocols() {
    SecurityProtocols protocols = new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.none);
    protocols.addAuthenticationProtocol(new AuthMD5());
    protocols.addAuthenticationProtocol(new AuthSHA());
    protocols.addAuthenticationProtocol(new AuthHMAC192SHA256());
    protocols.addAuthenticationProtocol(new AuthHMAC384SHA512());
    protocols.addPrivacyProtocol(new PrivDES());
    protocols.addPrivacyProtocol(new PrivAES128());
    protocols.addPrivacyProtocol(new PrivAES256());
    return protocols;
  }

  /** The USM user of a v3 profile, its keys not yet localized (any engine ID). */
  public static UsmUser of(SnmpProfile p) {
    OID auth = p.authProtocol() == null ? null : authOid(p.authProtocol());
    OID priv = p.privProtocol() == null ? null : privOid(p.privProtocol());
    return new UsmUser(
        new OctetString(p.user()),
        auth,
        p.authPassword() == null ? null : new OctetString(p.authPassword().reveal()),
        priv,
        p.privPassword() == null ? null : new OctetString(p.privPassword().reveal()));
  }

  private static OID authOid(SnmpProfile.AuthProtocol a) {
    return switch (a) {
      case MD5 -> AuthMD5.ID;
      case SHA -> AuthSHA.ID;
      case SHA256 -> AuthHMAC192SHA256.ID;
      case SHA512 -> AuthHMAC384SHA512.ID;
    };
  }

  private static OID privOid(SnmpProfile.PrivProtocol p) {
    return switch (p) {
      case DES -> PrivDES.ID;
      case AES -> PrivAES128.ID;
      case AES256 -> PrivAES256.ID;
    };
  }
}
