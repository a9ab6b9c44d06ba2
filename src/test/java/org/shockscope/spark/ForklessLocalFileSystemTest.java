package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ForklessLocalFileSystem} and {@link ForklessLocalFs} behave as Hadoop's local file
 * system where the job uses it: permissions set as asked, link statuses of plain files and of
 * symbolic links, renames through {@code FileContext} (Delta's log commits), checksum files.
 */
class ForklessLocalFileSystemTest {
  @TempDir
  java.nio.file.Path dir;

  private static Configuration conf() {
    Configuration conf = new Configuration(false);
    conf.set("fs.file.impl", ForklessLocalFileSystem.class.getName());
    conf.set("fs.AbstractFileSystem.file.impl", ForklessLocalFs.class.getName());
    // a fresh instance, not one another test cached for file:
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  @Test
  void permissionsAreSetAsAskedWithoutHadoopsShell() throws IOException {
    FileSystem fs = FileSystem.get(URI.create("file:///"), conf());
    assertInstanceOf(ForklessLocalFileSystem.class, fs);
    Path p = new Path(dir.resolve("a.txt").toUri());
    try (FSDataOutputStream out = fs.create(p)) {
      out.write("x".getBytes(StandardCharsets.UTF_8));
    }
    for (String mode : new String[] {"640", "755", "600", "444"}) {
      fs.setPermission(p, new FsPermission(mode));
      String expected = new FsPermission(mode).toString();
      assertEquals(expected,
          PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a.txt"))),
          mode);
    }
    assertNull(ForklessLocalFileSystem.posix(new FsPermission((short) 01777)),
        "a sticky bit takes Hadoop's own path");
    fs.setPermission(p, new FsPermission((short) 0644));
    assertTrue(fs.exists(new Path(dir.resolve(".a.txt.crc").toUri())), "checksum file written");
  }

  @Test
  void linkStatusesAreHadoopsOwnForFilesAndLinksQualifiedOrNot() throws IOException {
    FileSystem forkless = FileSystem.get(URI.create("file:///"), conf());
    Configuration plain = new Configuration(false);
    plain.setBoolean("fs.file.impl.disable.cache", true);
    FileSystem hadoop = FileSystem.get(URI.create("file:///"), plain);
    java.nio.file.Path file = Files.writeString(dir.resolve("f"), "data");
    java.nio.file.Path link = Files.createSymbolicLink(dir.resolve("l"), file);
    for (Path p : new Path[] {new Path(file.toUri()), new Path(file.toString()),
        new Path(link.toUri()), new Path(link.toString())}) {
      FileStatus ours = forkless.getFileLinkStatus(p);
      FileStatus theirs = hadoop.getFileLinkStatus(p);
      assertEquals(theirs.isSymlink(), ours.isSymlink(), p.toString());
      assertEquals(theirs.getLen(), ours.getLen(), p.toString());
      assertEquals(theirs.getPath(), ours.getPath(), p.toString());
      assertEquals(theirs.getModificationTime(), ours.getModificationTime(), p.toString());
      if (theirs.isSymlink()) {
        assertEquals(theirs.getSymlink(), ours.getSymlink(), p.toString());
      }
    }
    assertTrue(forkless.getFileLinkStatus(new Path(link.toString())).isSymlink());
  }

  @Test
  void fileContextRenamesThroughIt() throws IOException {
    FileContext fc = FileContext.getFileContext(URI.create("file:///"), conf());
    Path from = new Path(dir.resolve(".00000.json.tmp").toUri());
    Path to = new Path(dir.resolve("00000.json").toUri());
    try (FSDataOutputStream out = fc.create(from,
        EnumSet.of(CreateFlag.CREATE))) {
      out.write("{}".getBytes(StandardCharsets.UTF_8));
    }
    fc.rename(from, to, Options.Rename.NONE);
    assertEquals("{}", Files.readString(dir.resolve("00000.json")));
    assertFalse(Files.exists(dir.resolve(".00000.json.tmp")));
    // a commit that exists already is refused, as Delta's log store needs
    try (FSDataOutputStream out = fc.create(from,
        EnumSet.of(CreateFlag.CREATE))) {
      out.write("[]".getBytes(StandardCharsets.UTF_8));
    }
    assertThrowsAlreadyExists(fc, from, to);
    assertEquals("{}", Files.readString(dir.resolve("00000.json")));
  }

  private static void assertThrowsAlreadyExists(FileContext fc, Path from, Path to) {
    try {
      fc.rename(from, to, Options.Rename.NONE);
    } catch (FileAlreadyExistsException e) {
      return;
    } catch (IOException e) {
      throw new AssertionError("expected FileAlreadyExistsException, got " + e, e);
    }
    throw new AssertionError("rename over an existing file succeeded");
  }
}
