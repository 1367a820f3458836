package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The OCTET STRING decoder: charsets, hex for binary, control characters, the length bound. */
class SnmpTextTest {
  private static final Charset CP1252 = Charset.forName("windows-1252");

  @Test
  void utf8IsReadAsUtf8() {
    assertThat(SnmpText.decode("Hà Thượng – phòng họp".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("Hà Thượng – phòng họp");
  }

  @Test
  void invalidUtf8IsReadAsWindows1252() {
    // 0x85 is the ellipsis in Windows-1252 (NEL in Latin-1), 0x80 the euro sign
    byte[] cp1252 = "Contrôleur vidéo … Zürich €".getBytes(CP1252);
    assertThat(cp1252).contains((byte) 0x85, (byte) 0x80);
    assertThat(SnmpText.decode(cp1252)).isEqualTo("Contrôleur vidéo … Zürich €");
  }

  @Test
  void theFiveBytesWindows1252LeavesUnmappedAreLeftOut() {
    byte[] b = "Salle 1 (Genève)".getBytes(CP1252);
    byte[] withHole = Arrays.copyOf(b, b.length + 1);
    withHole[b.length] = (byte) 0x81;
    assertThat(SnmpText.decode(withHole)).isEqualTo("Salle 1 (Genève)");
  }

  @Test
  void aMultiLineBannerComesOnOneLine() {
    String ciscoLike =
        "Cisco Codec\r\nMajorVersion=9\r\nMinorVersion=15\r\n\tSoftwareID=ce9.15.3\n\n";
    assertThat(SnmpText.decode(ciscoLike.getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("Cisco Codec MajorVersion=9 MinorVersion=15 SoftwareID=ce9.15.3");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // what is sent (escapes: \\uXXXX) | what is shown
        "'  leading and trailing  ' | 'leading and trailing'",
        "a\\u000bb\\u000cc\\u0085d\\u2028e | a b c d e",
        "Room codec\\u0007 number one | Room codec number one",
        "Phòng họp\\u001b số một ở xã | Phòng họp số một ở xã",
        "C1 \\u009b control in UTF-8 text | C1 control in UTF-8 text",
        "right\\u202e-to-left override | right-to-left override",
        "\\ufeffbyte order mark | byte order mark",
        "no\\u00a0break space | no break space",
      })
  void controlAndFormatCharactersNeverComeThrough(String sent, String shown) {
    String text = unescape(sent);
    assertThat(SnmpText.decode(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(shown);
  }

  @Test
  void trailingNulsOfACStringAreDropped() {
    assertThat(SnmpText.decode("Polycom\0\0".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("Polycom");
  }

  @Test
  void binaryValuesAreShownAsHex() {
    assertThat(SnmpText.decode(bytes(0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e)))
        .isEqualTo("00:1a:2b:3c:4d:5e");
    // one control character in six is binary, even when the rest would print
    assertThat(SnmpText.decode(bytes(0x3c, 0x52, 0x82, 0x11, 0x22, 0x33)))
        .isEqualTo("3c:52:82:11:22:33");
    assertThat(SnmpText.decode(bytes(0, 0, 0, 0, 0, 0))).isEqualTo("00:00:00:00:00:00");
    assertThat(SnmpText.decode(bytes(0xff, 0xfe, 0x01))).isEqualTo("ff:fe:01");
  }

  @Test
  void randomBytesAreShownAsHexNotAsGarbage() {
    // a heuristic: random bytes can look like text, seldom; when they do, no control gets out
    Random random = new Random(7);
    int asText = 0;
    for (int i = 0; i < 1000; i++) {
      byte[] b = new byte[32];
      random.nextBytes(b);
      String shown = SnmpText.decode(b);
      if (!shown.matches("[0-9a-f]{2}(:[0-9a-f]{2}){31}")) {
        asText++;
        assertThat(shown.codePoints().noneMatch(Character::isISOControl)).as(shown).isTrue();
      }
    }
    assertThat(asText).isLessThan(10);
  }

  @Test
  void noBytesIsAnEmptyText() {
    assertThat(SnmpText.decode(new byte[0])).isEmpty();
  }

  @Test
  void longTextsAreCutWithAnEllipsis() {
    String shown = SnmpText.decode("x".repeat(1000).getBytes(StandardCharsets.US_ASCII));
    assertThat(shown).hasSize(255).isEqualTo("x".repeat(254) + "…");
    assertThat(SnmpText.decode("y".repeat(255).getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("y".repeat(255));
    // the cut never splits a character made of two UTF-16 units
    String emoji = "\uD83D\uDCF9"; // video camera, outside the BMP
    String cut = SnmpText.decode(emoji.repeat(300).getBytes(StandardCharsets.UTF_8));
    assertThat(cut.codePointCount(0, cut.length())).isEqualTo(255);
    assertThat(cut).isEqualTo(emoji.repeat(254) + "…");
  }

  @Test
  void longBinaryValuesAreCutWithAnEllipsisToo() {
    byte[] b = new byte[200];
    String shown = SnmpText.decode(b);
    assertThat(shown).hasSize(255).startsWith("00:00:").endsWith("00…");
    assertThat(SnmpText.decode(new byte[85])).hasSize(254).doesNotContain("…");
  }

  @Test
  void textOfAValueGoesThroughTheDecoder() {
    assertThat(SnmpReplies.text(new org.snmp4j.smi.OctetString("Zürich".getBytes(CP1252))))
        .isEqualTo("Zürich");
    assertThat(SnmpReplies.text(new org.snmp4j.smi.OctetString("a\r\nb"))).isEqualTo("a b");
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /** \\uXXXX escapes, as CSV sources cannot hold control characters. */
  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith("\\u", i)) {
        b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
        i += 5;
      } else {
        b.append(s.charAt(i));
      }
    }
    return b.toString();
  }
}
