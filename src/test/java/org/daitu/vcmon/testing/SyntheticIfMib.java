package org.daitu.vcmon.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An interface table of the test's choosing, served by a real {@link Snmpd}: net-snmp's own
 * IF-MIB reads the host's interfaces, so this one takes over ifTable, ifXTable, ifStackTable and
 * the IP-MIB address-to-ifIndex columns with {@code pass_persist} helpers (priority 1, so they win
 * over the built-in modules) that answer from a data file written here. Any row is possible:
 * indexes above 2^31, empty strings, thousands of rows, an address on any interface.
 *
 * <pre>{@code
 * SyntheticIfMib mib = new SyntheticIfMib()
 *     .iface(1, "lo", "lo", null, 24, 1, 1)
 *     .iface(2, "ether1", "Intel 82574L", "uplink", 6, 1, 2)
 *     .address("127.0.0.21", 2);
 * Snmpd agent = mib.serve(Snmpd.builder(dir).listen("127.0.0.21", 0).community("it"), dir).start();
 * }</pre>
 *
 * <p>Needs {@code /usr/bin/python3} (the helper is a Python script): see
 * {@link #unavailableReason()}.
 */
public final class SyntheticIfMib {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final String HELPER = "snmp/table_pass_persist.py";
  private static final String IF_ENTRY = ".1.3.6.1.2.1.2.2.1";
  private static final String IFX_ENTRY = ".1.3.6.1.2.1.31.1.1.1";
  private static final String IF_STACK_ENTRY = ".1.3.6.1.2.1.31.1.2.1";
  /**
   * The IP-MIB columns, not their tables: net-snmp registers its ipAddrTable column by column, and
   * the more specific registration wins over any priority.
   */
  private static final String IP_AD_ENT_IF_INDEX = ".1.3.6.1.2.1.4.20.1.2";
  private static final String IP_ADDRESS_IF_INDEX = ".1.3.6.1.2.1.4.34.1.3";

  private final List<String> lines = new ArrayList<>();

  /** Why the table cannot be served here, or empty when it can. */
  public static Optional<String> unavailableReason() {
    return Files.isExecutable(PYTHON)
        ? Snmpd.unavailableReason()
        : Optional.of(PYTHON + " not found (the pass_persist helper): install the Debian package python3");
  }

  /**
   * One interface row. A null text is left out of the table (an agent without it); an empty one
   * is served as an empty string.
   */
  public SyntheticIfMib iface(
      long index, String ifName, String descr, String alias, int type, int admin, int oper) {
    if (descr != null) {
      put(IF_ENTRY + ".2." + index, "string", descr);
    }
    put(IF_ENTRY + ".1." + index, "integer", String.valueOf(index));
    put(IF_ENTRY + ".3." + index, "integer", String.valueOf(type));
    put(IF_ENTRY + ".7." + index, "integer", String.valueOf(admin));
    put(IF_ENTRY + ".8." + index, "integer", String.valueOf(oper));
    if (ifName != null) {
      put(IFX_ENTRY + ".1." + index, "string", ifName);
    }
    if (alias != null) {
      put(IFX_ENTRY + ".18." + index, "string", alias);
    }
    return this;
  }

  /** IP-MIB puts the IPv4 address on interface {@code index}, in the old and the newer table. */
  public SyntheticIfMib address(String ipv4, int index) {
    put(IP_AD_ENT_IF_INDEX + "." + ipv4, "integer", String.valueOf(index));
    put(IP_ADDRESS_IF_INDEX + ".1.4." + ipv4, "integer", String.valueOf(index));
    return this;
  }

  /** ifStackTable: interface {@code higher} runs on {@code lower} (0: on nothing). */
  public SyntheticIfMib stack(long higher, long lower) {
    put(IF_STACK_ENTRY + ".3." + higher + "." + lower, "integer", "1");
    return this;
  }

  /**
   * Writes the data file and the helper into {@code dir} and adds to {@code snmpd} the
   * {@code pass_persist} lines that serve them, and IP-MIB to its view.
   */
  public Snmpd.Builder serve(Snmpd.Builder snmpd, Path dir) throws IOException {
    Objects.requireNonNull(snmpd, "snmpd");
    Files.createDirectories(dir);
    Path data = dir.resolve("ifmib.txt");
    Files.write(data, lines, StandardCharsets.UTF_8);
    Path helper = dir.resolve("table_pass_persist.py");
    try (InputStream in = SyntheticIfMib.class.getClassLoader().getResourceAsStream(HELPER)) {
      if (in == null) {
        throw new IOException("test resource " + HELPER + " is missing");
      }
      Files.copy(in, helper, StandardCopyOption.REPLACE_EXISTING);
    }
    snmpd.extraConfig("view vcview included .1.3.6.1.2.1.4");
    for (String subtree :
        List.of(IF_ENTRY, IFX_ENTRY, IF_STACK_ENTRY, IP_AD_ENT_IF_INDEX, IP_ADDRESS_IF_INDEX)) {
      snmpd.extraConfig(
          "pass_persist -p 1 " + subtree + " " + PYTHON + " " + helper + " " + data + " " + subtree);
    }
    return snmpd;
  }

  private void put(String oid, String type, String value) {
    if (value.contains("\n")) {
      throw new IllegalArgumentException("one line per value: " + value);
    }
    lines.add(oid + " " + type + " " + value);
  }
}
