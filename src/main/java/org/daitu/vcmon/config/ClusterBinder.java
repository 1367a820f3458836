package org.daitu.vcmon.config;

import static org.daitu.vcmon.config.YamlFile.child;
import static org.daitu.vcmon.config.YamlFile.isNull;
import static org.daitu.vcmon.config.YamlFile.item;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.daitu.vcmon.config.AgentConfig.Cluster;
import org.daitu.vcmon.config.AgentConfig.ClusterTls;
import org.daitu.vcmon.config.AgentConfig.HostPort;
import org.daitu.vcmon.inventory.IpLiteral;
import org.daitu.vcmon.pki.ClusterCertificates;
import org.daitu.vcmon.pki.Pem;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code cluster:}: the cluster's name, this agent's vantage, where it listens, every member, and
 * the PEM files of its TLS. The files are read and checked here, as {@code check-config} should:
 * the CA is a CA, the certificate is signed by it, names this vantage and is valid now, and the key
 * belongs to it. What can only be known at run time (another agent with the same vantage, a
 * site's {@code vantages} naming a vantage no member has) is checked when the members meet.
 * Problems name the key and the file, never a key's content.
 */
final class ClusterBinder {
  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[0-9.]+):([0-9]{1,5})");
  private static final long MAX_PEM_BYTES = 1024 * 1024;
  /** The event bus takes listen+1 and the key exchange listen+2. */
  static final int MAX_LISTEN_PORT = 65533;
  private static final String MAKE_THEM =
      "make the CA and every agent's certificate with: java -jar vcmon.jar cluster-certs DIR VANTAGE...";
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final YamlFile yaml;
  private final Path baseDir;
  private final Instant now;

  ClusterBinder(YamlFile yaml, Path baseDir, Instant now) {
    this.yaml = yaml;
    this.baseDir = baseDir;
    this.now = now;
  }

  /** The section; null when absent (a single agent) or invalid. */
  Cluster cluster(Node node) {
    if (isNull(node)) {
      return null;
    }
    String p = "cluster";
    Map<String, Node> m = yaml.map(node, p, ConfigKeys.children(p));
    if (m == null) {
      return null;
    }
    String name = slug(m, p, "name", node, "the same name on every agent of the cluster, e.g. thai-nguyen");
    String vantage = slug(m, p, "vantage", node, "this agent's own id, different on every agent, e.g. tinh");
    HostPort listen = null;
    String listenText = yaml.required(m, p, "listen", node, false);
    if (listenText != null) {
      listen = hostPort(listenText, child(p, "listen"), m.get("listen"));
      if (listen != null && listen.port() > MAX_LISTEN_PORT) {
        yaml.problem(
            child(p, "listen"), m.get("listen"), "the port must be at most " + MAX_LISTEN_PORT,
            listenText, "the event bus listens on the next port and the key exchange on the one after");
        listen = null;
      }
    }
    List<HostPort> members = members(m, p, node, listen);
    ClusterTls tls = tls(m, p, node, vantage);
    if (name == null || vantage == null || listen == null || members == null || tls == null) {
      return null;
    }
    return new Cluster(name, vantage, listen, members, tls);
  }

  private String slug(Map<String, Node> m, String p, String key, Node owner, String hint) {
    String text = yaml.required(m, p, key, owner, false);
    if (text == null) {
      return null;
    }
    String v = text.strip();
    String problem = ClusterCertificates.vantageProblem(v);
    if (problem != null) {
      yaml.problem(child(p, key), m.get(key), problem, text, hint);
      return null;
    }
    return v;
  }

  private HostPort hostPort(String text, String path, Node at) {
    return hostPort(yaml, text, path, at, "10.0.0.5:7800", "[fd00::5]:7800");
  }

  /**
   * An IP address and a port ({@code traps.listen} reads its own the same way); null after
   * reporting a problem. {@code example} and {@code example6} show the right form in the hint.
   */
  static HostPort hostPort(YamlFile yaml, String text, String path, Node at, String example, String example6) {
    Matcher hp = HOST_PORT.matcher(text.strip());
    String host = hp.matches() ? hp.group(1).replace("[", "").replace("]", "") : null;
    if (host == null || !IpLiteral.isIpLiteral(host) || host.contains(":") != hp.group(1).startsWith("[")) {
      yaml.problem(
          path, at, "must be an IP address and a port", text,
          "e.g. " + example + ", or " + example6 + " for IPv6; host names are not resolved here");
      return null;
    }
    int port = Integer.parseInt(hp.group(2));
    if (port < 1 || port > 65535) {
      yaml.problem(path, at, "the port must be between 1 and 65535", text, null);
      return null;
    }
    return new HostPort(host.toLowerCase(Locale.ROOT), port);
  }

  private List<HostPort> members(Map<String, Node> m, String p, Node owner, HostPort listen) {
    String lp = child(p, "members");
    Node node = m.get("members");
    if (isNull(node)) {
      yaml.problem(
          lp, node == null ? owner : node, "is required", null,
          "list every agent's cluster.listen, this one's included, e.g. [10.0.0.5:7800, 10.20.0.9:7800]");
      return null;
    }
    List<Node> items = yaml.list(node, lp);
    if (items == null) {
      return null;
    }
    if (items.isEmpty()) {
      yaml.problem(lp, node, "is empty", null, "list every agent's cluster.listen, this one's included");
      return null;
    }
    List<HostPort> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      String text = yaml.text(items.get(i), item(lp, i));
      HostPort hp = text == null ? null : hostPort(text, item(lp, i), items.get(i));
      if (hp == null) {
        ok = false;
      } else if (out.contains(hp)) {
        yaml.problem(item(lp, i), items.get(i), "member listed twice", text, "keep one");
      } else {
        out.add(hp);
      }
    }
    if (ok && listen != null && !out.contains(listen)) {
      yaml.problem(
          lp, node, "does not hold this agent's cluster.listen (" + listen + ")", null,
          "list every agent's listen address, this one's included: the same list on every agent");
      return null;
    }
    return ok ? List.copyOf(out) : null;
  }

  /** {@code cluster.tls}, its files checked; null when absent or invalid. */
  private ClusterTls tls(Map<String, Node> m, String p, Node owner, String vantage) {
    String tp = child(p, "tls");
    Node node = m.get("tls");
    if (isNull(node)) {
      yaml.problem(
          tp, node == null ? owner : node, "is required", null,
          "only holders of a certificate from the cluster's CA may join: give ca_file, cert_file and"
              + " key_file; " + MAKE_THEM);
      return null;
    }
    Map<String, Node> t = yaml.map(node, tp, ConfigKeys.children(tp));
    if (t == null) {
      return null;
    }
    Path caPath = path(t, tp, "ca_file", node);
    Path certPath = path(t, tp, "cert_file", node);
    Path keyPath = path(t, tp, "key_file", node);
    X509Certificate ca = caPath == null ? null : authority(t.get("ca_file"), child(tp, "ca_file"), caPath);
    X509Certificate cert =
        certPath == null ? null : member(t.get("cert_file"), child(tp, "cert_file"), certPath, ca, vantage);
    boolean keyOk = keyPath != null && key(t.get("key_file"), child(tp, "key_file"), keyPath, cert);
    return ca != null && cert != null && keyOk ? new ClusterTls(caPath, certPath, keyPath) : null;
  }

  private Path path(Map<String, Node> m, String p, String key, Node owner) {
    String text = yaml.required(m, p, key, owner, false);
    if (text == null) {
      return null;
    }
    try {
      return baseDir.resolve(text.strip()).normalize();
    } catch (InvalidPathException e) {
      yaml.problem(child(p, key), m.get(key), "not a valid path", text, null);
      return null;
    }
  }

  private String read(Node at, String key, Path file) {
    try {
      if (Files.isDirectory(file)) {
        yaml.problem(key, at, "is a directory, not a PEM file", file.toString(), "give the file's path");
        return null;
      }
      if (Files.size(file) > MAX_PEM_BYTES) {
        yaml.problem(key, at, "is too large for a PEM file (over 1 MiB)", file.toString(), "give the PEM file's path");
        return null;
      }
      return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      yaml.problem(key, at, "file not found", file.toString(), "paths are relative to this config file; " + MAKE_THEM);
    } catch (AccessDeniedException e) {
      yaml.problem(key, at, "cannot be read (permission denied)", file.toString(),
          "let the user vcmon runs as read it, e.g. chown vcmon FILE && chmod 0600 FILE");
    } catch (IOException e) {
      yaml.problem(key, at, "cannot be read: " + e.getClass().getSimpleName(), file.toString(), null);
    }
    return null;
  }

  private X509Certificate certificate(Node at, String key, Path file, String what) {
    String text = read(at, key, file);
    if (text == null) {
      return null;
    }
    List<X509Certificate> certs = Pem.certificates(text);
    if (certs.isEmpty()) {
      yaml.problem(key, at, "holds no valid PEM certificate", file.toString(),
          "the file must hold " + what + " as a -----BEGIN CERTIFICATE----- block; " + MAKE_THEM);
      return null;
    }
    return certs.get(0);
  }

  private X509Certificate authority(Node at, String key, Path file) {
    X509Certificate ca = certificate(at, key, file, "the cluster's CA certificate");
    if (ca == null) {
      return null;
    }
    boolean[] usage = ca.getKeyUsage();
    if (ca.getBasicConstraints() < 0 || (usage != null && !usage[5])) {
      yaml.problem(key, at, "is not a CA certificate: it may not sign others (" + subject(ca) + ")",
          file.toString(), "give the ca.pem that cluster-certs wrote, not an agent's certificate");
      return null;
    }
    return valid(ca, at, key, file, "the CA certificate",
        "make a new CA and new certificates for every agent; " + MAKE_THEM) ? ca : null;
  }

  private X509Certificate member(Node at, String key, Path file, X509Certificate ca, String vantage) {
    X509Certificate cert = certificate(at, key, file, "this agent's certificate");
    if (cert == null) {
      return null;
    }
    if (!valid(cert, at, key, file, "the certificate",
        "make new ones: java -jar vcmon.jar cluster-certs DIR VANTAGE... writes a new CA and every"
            + " agent's certificate; give each agent the new ca.pem and its own files")) {
      return null;
    }
    if (ca != null && !signedBy(cert, ca)) {
      yaml.problem(key, at, "is not signed by the cluster's CA in cluster.tls.ca_file (" + subject(ca)
              + "); it was issued by " + cert.getIssuerX500Principal().getName(), file.toString(),
          "give the certificate made with this cluster's CA, or the CA that signed it");
      return null;
    }
    if (vantage != null && !names(cert, vantage)) {
      yaml.problem(key, at, "is made for " + subject(cert) + ", not for this agent's vantage \"" + vantage + "\"",
          file.toString(), "give each agent its own certificate, made for its cluster.vantage");
      return null;
    }
    return cert;
  }

  private boolean valid(X509Certificate c, Node at, String key, Path file, String what, String renew) {
    Instant from = c.getNotBefore().toInstant();
    Instant to = c.getNotAfter().toInstant();
    if (now.isAfter(to)) {
      yaml.problem(key, at, what + " expired on " + WHEN.format(to), file.toString(), renew);
      return false;
    }
    if (now.isBefore(from)) {
      yaml.problem(key, at, what + " is valid only from " + WHEN.format(from), file.toString(),
          "check this machine's clock, or wait until then");
      return false;
    }
    return true;
  }

  private static boolean signedBy(X509Certificate cert, X509Certificate ca) {
    if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
      return false;
    }
    try {
      cert.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The certificate's CN or one of its DNS names is the vantage. */
  private static boolean names(X509Certificate cert, String vantage) {
    if (vantage.equals(commonName(cert))) {
      return true;
    }
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(san.get(0)) && vantage.equals(san.get(1))) {
            return true;
          }
        }
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    return false;
  }

  private static String commonName(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }

  private static String subject(X509Certificate cert) {
    String cn = commonName(cert);
    return cn == null ? cert.getSubjectX500Principal().getName() : "CN \"" + cn + "\"";
  }

  /** The key is readable and belongs to {@code cert} when there is one. */
  private boolean key(Node at, String key, Path file, X509Certificate cert) {
    String text = read(at, key, file);
    if (text == null) {
      return false;
    }
    PrivateKey priv;
    try {
      priv = Pem.privateKey(text);
    } catch (Pem.PemException e) {
      yaml.problem(key, at, e.getMessage(), file.toString(),
          e.getMessage().contains("pass phrase")
              ? "store it unencrypted, readable only by vcmon (0600): openssl pkey -in FILE -out key.pem"
              : "the file must hold a -----BEGIN PRIVATE KEY----- block; " + MAKE_THEM);
      return false;
    }
    if (cert != null && !KeyMatch.belongs(priv, cert.getPublicKey())) {
      yaml.problem(key, at, "the key does not belong to the certificate in cluster.tls.cert_file",
          file.toString(), "give the key made with that certificate: VANTAGE.key beside VANTAGE.pem");
      return false;
    }
    return true;
  }
}
