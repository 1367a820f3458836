package org.daitu.vcmon.probe.snmp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text from the bytes of an OCTET STRING, fit for the page, the logs and the messages. Agents
 * send bytes, not text: UTF-8 from recent firmware, Windows-1252 from older European firmware,
 * multi-line banners (a Cisco codec's sysDescr), C strings with their terminating NULs, and
 * binary values (MAC addresses) where text was expected.
 *
 * <ol>
 *   <li>Trailing NULs are dropped.
 *   <li>Valid UTF-8 is read as UTF-8; anything else as Windows-1252, which maps every byte but
 *       five, and those five are left out.
 *   <li>A value where more than one character in ten is not what text is made of is binary: it
 *       is shown as hex, {@code 00:1a:2b:3c:4d:5e}. Control characters other than white space
 *       are never text; read as Windows-1252, neither are the five unmapped bytes nor the signs
 *       a text seldom holds (the accented letters, quotes, dashes, € and … are text), and more
 *       than a third of characters above ASCII is binary too.
 *   <li>Otherwise every run of white space (line breaks and tabs too) becomes one space, control
 *       and format characters are left out, and the ends are trimmed.
 *   <li>At most {@link #MAX_LENGTH} characters: a longer text ends in "…".
 * </ol>
 *
 * <p>Pure and thread-safe.
 */
final class SnmpText {
  private SnmpText() {}

  /** Most characters of a text shown, the ellipsis included. */
  static final int MAX_LENGTH = 255;

  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
  /** Windows-1252 signs above ASCII that texts do hold; its other signs are taken for binary. */
  private static final String TEXT_SIGNS = "€‚„…–—‘’“”•™«»°·©®§£¥¢¡¿\u00a0";
  private static final char ELLIPSIS = '…';
  private static final char UNDECODABLE = '\uFFFD';

  /** The text of an OCTET STRING value; "" for no bytes. */
  static String decode(byte[] bytes) {
    int length = bytes.length;
    while (length > 0 && bytes[length - 1] == 0) {
      length--;
    }
    if (length == 0) {
      return bytes.length == 0 ? "" : hex(bytes);
    }
    if (plainAscii(bytes, length)) {
      // the common case (names, descriptions): nothing to decode, clean or guess
      return bound(new String(bytes, 0, length, StandardCharsets.US_ASCII));
    }
    String utf8 = utf8(bytes, length);
    String raw = utf8 != null ? utf8 : new String(bytes, 0, length, WINDOWS_1252);
    if (isBinary(raw, utf8 == null)) {
      return hex(bytes);
    }
    return bound(clean(raw));
  }

  /** The bytes as lower-case hex pairs joined by colons, bounded like any text. */
  static String hex(byte[] bytes) {
    // a byte takes two characters and a colon; cut, the last colon's place holds the ellipsis
    int shown = bytes.length * 3 - 1 <= MAX_LENGTH ? bytes.length : MAX_LENGTH / 3;
    StringBuilder b = new StringBuilder(shown * 3);
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        b.append(':');
      }
      b.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16))
          .append(Character.forDigit(bytes[i] & 0xf, 16));
    }
    if (shown < bytes.length) {
      b.append(ELLIPSIS);
    }
    return b.toString();
  }

  /** Printable ASCII only, no two spaces in a row and none at either end: already clean text. */
  private static boolean plainAscii(byte[] bytes, int length) {
    if (bytes[0] == ' ' || bytes[length - 1] == ' ') {
      return false;
    }
    for (int i = 0; i < length; i++) {
      byte c = bytes[i];
      if (c < 0x20 || c > 0x7e || (c == ' ' && bytes[i - 1] == ' ')) {
        return false;
      }
    }
    return true;
  }

  /** The bytes read as strict UTF-8; null when they are not UTF-8. */
  private static String utf8(byte[] bytes, int length) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      return null;
    }
  }

  /**
   * More than one character in ten that text is not made of, or, read as Windows-1252, more
   * than a third above ASCII. Random bytes are seldom valid UTF-8; read as Windows-1252, half of
   * them are above ASCII and a fifth are controls or seldom-used signs, where a European text
   * has a few accented letters among plain ones.
   */
  private static boolean isBinary(String s, boolean windows1252) {
    int all = 0;
    int odd = 0;
    int high = 0;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      all++;
      boolean control = Character.getType(c) == Character.CONTROL && !isSpace(c);
      // Windows-1252 leaves five bytes (0x81, 0x8d, 0x8f, 0x90, 0x9d) unmapped: U+FFFD here
      boolean sign = windows1252 && c >= 0x80 && !Character.isLetter(c)
          && TEXT_SIGNS.indexOf(c) < 0;
      if (control || sign) {
        odd++;
      }
      if (windows1252 && c >= 0x80) {
        high++;
      }
    }
    return odd * 10 > all || high * 3 > all;
  }

  /** White space runs to one space; control and format characters out; ends trimmed. */
  private static String clean(String s) {
    StringBuilder b = new StringBuilder(s.length());
    boolean space = false;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (isSpace(c)) {
        space = true;
      } else if (c == UNDECODABLE
          || Character.getType(c) == Character.CONTROL
          || Character.getType(c) == Character.FORMAT) {
        // left out without a trace: bidi overrides, BOMs, escape sequences...
      } else {
        if (space && b.length() > 0) {
          b.append(' ');
        }
        space = false;
        b.appendCodePoint(c);
      }
    }
    return b.toString();
  }

  /** Tab, line breaks (CR, LF, VT, FF, NEL, U+2028/9) and spaces, the no-break space too. */
  private static boolean isSpace(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
  }

  private static String bound(String s) {
    if (s.codePointCount(0, s.length()) <= MAX_LENGTH) {
      return s;
    }
    int end = s.offsetByCodePoints(0, MAX_LENGTH - 1);
    return s.substring(0, end).stripTrailing() + ELLIPSIS;
  }
}
