package org.shockscope.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The uncompressed bytes of one zip member, stored or inflated on the fly from its compressed
 * range of a {@link ByteSource}. It never yields more than the member's declared size, and
 * {@link #finish()} then checks that the member really ends there (deflate stream complete,
 * nothing more to inflate) and that the CRC-32 matches: a member cannot inflate past what it
 * declares, and corrupted data are caught. The inflater and input buffer are the caller's
 * workspace, reused across members.
 */
final class ZipMemberStream extends InputStream {
  private final ByteSource source;
  private final ZipArchive.Member member;
  private final Inflater inflater;
  private final byte[] input;
  private final String file;
  private final String tensor;
  private final CRC32 crc = new CRC32();
  private final byte[] one = new byte[1];
  private long position;
  private long compressedLeft;
  private long left;
  private boolean dummyGiven;

  /**
   * @param inflater a raw-deflate ({@code nowrap}) inflater, reset here (workspace)
   * @param input    compressed-input buffer (workspace)
   */
  ZipMemberStream(ByteSource source, ZipArchive.Member member, Inflater inflater, byte[] input,
                  String tensor) {
    this.source = source;
    this.member = member;
    this.inflater = inflater;
    this.input = input;
    this.file = source.location();
    this.tensor = tensor;
    this.position = member.dataStart();
    this.compressedLeft = member.compressedSize();
    this.left = member.size();
    inflater.reset();
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (left == 0) {
      return -1;
    }
    int want = (int) Math.min(len, left);
    int n;
    if (member.method() == ZipArchive.STORED) {
      source.readFully(position, b, off, want);
      position += want;
      n = want;
    } else {
      n = inflate(b, off, want);
      if (n < 0) {
        return -1;
      }
    }
    crc.update(b, off, n);
    left -= n;
    return n;
  }

  /**
   * Checks, once the declared bytes have been read, that the member ends there and that its
   * CRC-32 matches.
   *
   * @throws TensorFormatException when it inflates further or its CRC differs
   */
  void finish() throws IOException {
    if (left != 0) {
      throw new TensorFormatException(file, tensor, "zip member data end " + left
          + " bytes before the " + member.size() + " its entry declares");
    }
    if (member.method() == ZipArchive.DEFLATED) {
      while (!inflater.finished()) {
        if (inflate(one, 0, 1) > 0) {
          throw new TensorFormatException(file, tensor, "zip member inflates to more than the "
              + member.size() + " bytes its entry declares");
        }
        if (!inflater.finished()) {
          throw new TensorFormatException(file, tensor, "zip member's deflate stream has no "
              + "end after its " + member.size() + " declared bytes");
        }
      }
    }
    if (crc.getValue() != member.crc()) {
      throw new TensorFormatException(file, tensor, String.format("zip member data have CRC-32 "
          + "0x%08x but the entry declares 0x%08x (corrupted)", crc.getValue(), member.crc()));
    }
  }

  /** Inflates into {@code b}; −1 when the deflate stream ends or input runs out. */
  private int inflate(byte[] b, int off, int len) throws IOException {
    try {
      int n;
      while ((n = inflater.inflate(b, off, len)) == 0) {
        if (inflater.finished() || inflater.needsDictionary() || !inflater.needsInput()
            || !fill()) {
          return -1;
        }
      }
      return n;
    } catch (DataFormatException e) {
      throw new TensorFormatException(file, tensor, "zip member's deflate data are corrupt: "
          + e.getMessage(), e);
    }
  }

  /**
   * Gives the inflater its next input chunk; once the compressed range is spent, one zero
   * "dummy" byte, as java.util.zip.ZipFile does for raw inflaters. False when nothing is left.
   */
  private boolean fill() throws IOException {
    if (compressedLeft > 0) {
      int n = (int) Math.min(input.length, compressedLeft);
      source.readFully(position, input, 0, n);
      position += n;
      compressedLeft -= n;
      inflater.setInput(input, 0, n);
      return true;
    }
    if (!dummyGiven) {
      dummyGiven = true;
      input[0] = 0;
      inflater.setInput(input, 0, 1);
      return true;
    }
    return false;
  }
}
