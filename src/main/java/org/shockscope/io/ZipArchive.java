package org.shockscope.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The members of a zip archive, read from its central directory through a {@link ByteSource}
 * (PKWARE APPNOTE.TXT 6.3: end of central directory record 4.3.16, ZIP64 locator and record
 * 4.3.14–15, central file headers 4.3.12, local file headers 4.3.7, ZIP64 extra field 4.5.3).
 * Only what {@code np.savez} and {@code np.savez_compressed} produce is accepted: one disk,
 * no encryption, methods stored (0) and deflated (8), ZIP64 fields where present. Each member's
 * data range is resolved through its local header and checked to lie before the central
 * directory without overlapping another member (overlapping members are how small archives
 * inflate to huge sizes), and no member may claim more than deflate's 1032:1 maximum ratio.
 * Reads the tail (at most 64 KiB), the central directory and 30 bytes per member.
 */
final class ZipArchive {
  static final int STORED = 0;
  static final int DEFLATED = 8;
  /** Deflate cannot expand more than this (zlib technical details: 1032:1). */
  private static final long MAX_DEFLATE_RATIO = 1032;
  private static final int EOCD_SIG = 0x06054b50;
  private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
  private static final int ZIP64_EOCD_SIG = 0x06064b50;
  private static final int CENTRAL_SIG = 0x02014b50;
  private static final int LOCAL_SIG = 0x04034b50;
  private static final int EOCD_BYTES = 22;
  private static final int CENTRAL_BYTES = 46;
  private static final int LOCAL_BYTES = 30;
  private static final long U32 = 0xffffffffL;

  /**
   * One member.
   *
   * @param name           its name as stored
   * @param method         {@link #STORED} or {@link #DEFLATED}
   * @param crc            CRC-32 of its uncompressed bytes
   * @param compressedSize bytes of stored or deflated data
   * @param size           bytes once uncompressed
   * @param dataStart      absolute position of its first data byte
   */
  record Member(String name, int method, long crc, long compressedSize, long size,
                long dataStart) {}

  private ZipArchive() {}

  /**
   * Lists the members of the archive in central-directory order.
   *
   * @throws TensorFormatException when the archive breaks a rule above
   */
  static List<Member> members(ByteSource source) throws IOException {
    String file = source.location();
    long size = source.size();
    int tailLength = (int) Math.min(size, EOCD_BYTES + 0xffff);
    byte[] tail = new byte[tailLength];
    source.readFully(size - tailLength, tail, 0, tailLength);
    ByteBuffer t = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN);
    int at = -1;
    for (int p = tailLength - EOCD_BYTES; p >= 0; p--) {
      if (t.getInt(p) == EOCD_SIG && p + EOCD_BYTES + u16(t, p + 20) == tailLength) {
        at = p;
        break;
      }
    }
    if (at < 0) {
      boolean npy = size >= 6 && tailLength == size && tail[0] == (byte) 0x93 && tail[1] == 'N';
      throw new TensorFormatException(file, null, "not a zip archive: no end-of-central-directory"
          + " record in its last " + tailLength + " bytes" + (npy ? " (it looks like a single "
          + ".npy array: name it .npy)" : " (truncated?)"));
    }
    long eocd = size - tailLength + at;
    long entries = u16(t, at + 10);
    long cdSize = t.getInt(at + 12) & U32;
    long cdOffset = t.getInt(at + 16) & U32;
    long cdLimit = eocd;
    if (u16(t, at + 4) != 0 || u16(t, at + 6) != 0 || u16(t, at + 8) != entries) {
      throw new TensorFormatException(file, null, "multi-disk (split) zip archives are not "
          + "supported");
    }
    if (entries == 0xffff || cdSize == U32 || cdOffset == U32) {
      if (eocd < 20) {
        throw new TensorFormatException(file, null, "zip end record asks for ZIP64 but there is "
            + "no room for its locator");
      }
      ByteBuffer loc = read(source, eocd - 20, 20);
      if (loc.getInt(0) != ZIP64_LOCATOR_SIG) {
        throw new TensorFormatException(file, null, "zip end record asks for ZIP64 but no ZIP64 "
            + "locator precedes it");
      }
      long recordAt = loc.getLong(8);
      if (recordAt < 0 || recordAt > eocd - 20 - 56) {
        throw new TensorFormatException(file, null, "ZIP64 end record offset " + recordAt
            + " lies outside [0, " + (eocd - 20 - 56) + "]");
      }
      ByteBuffer rec = read(source, recordAt, 56);
      if (rec.getInt(0) != ZIP64_EOCD_SIG) {
        throw new TensorFormatException(file, null, "no ZIP64 end record at offset " + recordAt);
      }
      entries = rec.getLong(32);
      cdSize = rec.getLong(40);
      cdOffset = rec.getLong(48);
      cdLimit = recordAt;
    }
    if (cdOffset < 0 || cdSize < 0 || cdOffset > cdLimit || cdSize > cdLimit - cdOffset) {
      throw new TensorFormatException(file, null, "zip central directory [" + cdOffset + ", "
          + "+" + cdSize + ") does not lie inside [0, " + cdLimit + ")");
    }
    if (cdSize > Integer.MAX_VALUE - 8) {
      throw new TensorFormatException(file, null, "zip central directory of " + cdSize
          + " bytes is larger than shockscope reads (" + (Integer.MAX_VALUE - 8) + ")");
    }
    if (entries < 0 || entries > cdSize / CENTRAL_BYTES) {
      throw new TensorFormatException(file, null, "zip end record counts " + entries
          + " members, more than its " + cdSize + "-byte central directory can hold");
    }
    ByteBuffer cd = read(source, cdOffset, (int) cdSize);
    List<Member> members = new ArrayList<>((int) entries);
    int p = 0;
    for (long i = 0; i < entries; i++) {
      members.add(central(file, source, cd, p, cdOffset));
      p += CENTRAL_BYTES + u16(cd, p + 28) + u16(cd, p + 30) + u16(cd, p + 32);
    }
    if (p != cdSize) {
      throw new TensorFormatException(file, null, "zip central directory has " + cdSize
          + " bytes but its " + entries + " members fill " + p);
    }
    checkDisjoint(file, members);
    return members;
  }

  private static Member central(String file, ByteSource source, ByteBuffer cd, int p,
                                long cdOffset) throws IOException {
    if (cd.capacity() - p < CENTRAL_BYTES || cd.getInt(p) != CENTRAL_SIG) {
      throw new TensorFormatException(file, null, "zip central directory entry at offset "
          + (cdOffset + p) + " is missing or has a wrong signature");
    }
    int flags = u16(cd, p + 8);
    int method = u16(cd, p + 10);
    long crc = cd.getInt(p + 16) & U32;
    long compressed = cd.getInt(p + 20) & U32;
    long size = cd.getInt(p + 24) & U32;
    int nameLength = u16(cd, p + 28);
    int extraLength = u16(cd, p + 30);
    int commentLength = u16(cd, p + 32);
    long disk = u16(cd, p + 34);
    long local = cd.getInt(p + 42) & U32;
    if (cd.capacity() - p - CENTRAL_BYTES < nameLength + extraLength + commentLength) {
      throw new TensorFormatException(file, null, "zip central directory entry at offset "
          + (cdOffset + p) + " runs past the directory's end");
    }
    String name = name(file, cd, p + CENTRAL_BYTES, nameLength, (flags & 0x800) != 0);
    int extra = p + CENTRAL_BYTES + nameLength;
    int extraEnd = extra + extraLength;
    while (extraEnd - extra >= 4) {
      int id = u16(cd, extra);
      int length = u16(cd, extra + 2);
      if (length > extraEnd - extra - 4) {
        throw new TensorFormatException(file, name, "zip extra field of length " + length
            + " runs past its entry");
      }
      if (id == 1) {
        int q = extra + 4;
        int end = q + length;
        if (size == U32) {
          size = zip64Value(file, name, cd, q, end);
          q += 8;
        }
        if (compressed == U32) {
          compressed = zip64Value(file, name, cd, q, end);
          q += 8;
        }
        if (local == U32) {
          local = zip64Value(file, name, cd, q, end);
        }
      }
      extra += 4 + length;
    }
    if ((flags & 0x41) != 0) {
      throw new TensorFormatException(file, name, "zip member is encrypted");
    }
    if (method != STORED && method != DEFLATED) {
      throw new TensorFormatException(file, name, "zip compression method " + method
          + " is not supported; np.savez stores (0) and np.savez_compressed deflates (8)");
    }
    if (disk != 0) {
      throw new TensorFormatException(file, name, "zip member starts on disk " + disk
          + "; split archives are not supported");
    }
    if (method == STORED && compressed != size) {
      throw new TensorFormatException(file, name, "stored zip member has compressed size "
          + compressed + " but size " + size);
    }
    if (method == DEFLATED && size / MAX_DEFLATE_RATIO > compressed + 1) {
      throw new TensorFormatException(file, name, "zip member claims " + size + " bytes from "
          + compressed + " deflated bytes, beyond deflate's maximum ratio of 1032:1");
    }
    if (local > cdOffset - LOCAL_BYTES) {
      throw new TensorFormatException(file, name, "zip local header offset " + local
          + " lies past the central directory at " + cdOffset);
    }
    ByteBuffer header = read(source, local, LOCAL_BYTES);
    if (header.getInt(0) != LOCAL_SIG) {
      throw new TensorFormatException(file, name, "no zip local header at offset " + local);
    }
    long dataStart = local + LOCAL_BYTES + u16(header, 26) + u16(header, 28);
    if (dataStart > cdOffset || compressed > cdOffset - dataStart) {
      throw new TensorFormatException(file, name, "zip member data [" + dataStart + ", +"
          + compressed + ") run into the central directory at " + cdOffset);
    }
    return new Member(name, method, crc, compressed, size, dataStart);
  }

  private static void checkDisjoint(String file, List<Member> members) {
    List<Member> sorted = new ArrayList<>(members);
    sorted.sort(Comparator.comparingLong(Member::dataStart));
    for (int i = 1; i < sorted.size(); i++) {
      Member a = sorted.get(i - 1);
      Member b = sorted.get(i);
      if (a.dataStart() + a.compressedSize() + LOCAL_BYTES > b.dataStart()) {
        throw new TensorFormatException(file, b.name(), "zip member data overlap those of '"
            + a.name() + "' (ends at " + (a.dataStart() + a.compressedSize())
            + ", next data start at " + b.dataStart() + ")");
      }
    }
  }

  private static long zip64Value(String file, String name, ByteBuffer cd, int q, int end) {
    if (end - q < 8) {
      throw new TensorFormatException(file, name, "ZIP64 extra field is too short for the sizes "
          + "its entry defers to it");
    }
    long v = cd.getLong(q);
    if (v < 0) {
      throw new TensorFormatException(file, name, "ZIP64 value " + Long.toUnsignedString(v)
          + " exceeds 2^63-1");
    }
    return v;
  }

  private static String name(String file, ByteBuffer cd, int at, int length, boolean utf8) {
    byte[] raw = new byte[length];
    cd.get(at, raw);
    if (!utf8) {
      return new String(raw, StandardCharsets.ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw new TensorFormatException(file, null, "zip member name is flagged UTF-8 but is not "
          + "well-formed UTF-8");
    }
  }

  private static ByteBuffer read(ByteSource source, long position, int length)
      throws IOException {
    byte[] b = new byte[length];
    source.readFully(position, b, 0, length);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static int u16(ByteBuffer b, int at) {
    return b.getShort(at) & 0xffff;
  }
}
