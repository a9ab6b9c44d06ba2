package org.shockscope.sweep;

import java.io.IOException;

/**
 * The framing of a TFRecord file is lost at some offset, so nothing after it can be read: a
 * record's length fails its checksum, or the file ends inside a record. The message names the
 * file, the offset and what is wrong.
 */
final class TfRecordException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why the framing was lost. */
  enum Kind {
    /** The masked CRC32C of a record's length does not match: the length cannot be trusted. */
    BAD_LENGTH_CRC,
    /** The file ends inside a record (a record still being written, or a file cut short). */
    TRUNCATED
  }

  private final Kind kind;
  private final long offset;

  TfRecordException(Kind kind, String source, long offset, String what) {
    super(source + ": at offset " + offset + ": " + what);
    this.kind = kind;
    this.offset = offset;
  }

  Kind kind() {
    return kind;
  }

  /** Offset of the record whose framing failed. */
  long offset() {
    return offset;
  }
}
