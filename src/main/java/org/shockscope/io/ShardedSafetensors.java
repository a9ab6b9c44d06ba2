package org.shockscope.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A sharded Hugging Face safetensors checkpoint seen as one {@link TensorFile}: the shards
 * named by a {@link SafetensorsIndex}, each opened (header only) with {@link SafetensorsReader}.
 * The index and the shards must agree exactly: every tensor of the weight map is in the shard
 * it names, and every tensor of a shard is mapped to that shard.
 */
public final class ShardedSafetensors implements TensorFile {
  private final String location;
  private final Map<String, SafetensorsReader> shardOf;
  private final List<SafetensorsReader> shards;
  private final List<TensorInfo> tensors;
  private final Map<String, String> unsupported;

  private ShardedSafetensors(String location, Map<String, SafetensorsReader> shardOf,
                             List<SafetensorsReader> shards, List<TensorInfo> tensors,
                             Map<String, String> unsupported) {
    this.location = location;
    this.shardOf = shardOf;
    this.shards = shards;
    this.tensors = Collections.unmodifiableList(tensors);
    this.unsupported = Collections.unmodifiableMap(unsupported);
  }

  /**
   * Opens every shard of {@code index} and checks it against the index.
   *
   * @param location  where the index is, for messages
   * @param index     the parsed index
   * @param openShard opens a shard by its file name (resolved next to the index)
   * @throws TensorFormatException when a shard is invalid or disagrees with the index
   */
  public static ShardedSafetensors open(String location, SafetensorsIndex index,
                                        Function<String, ByteSource> openShard) {
    Objects.requireNonNull(openShard, "openShard");
    Map<String, SafetensorsReader> byShard = new LinkedHashMap<>();
    try {
      for (String shard : index.shards()) {
        ByteSource source = openShard.apply(shard);
        try {
          byShard.put(shard, SafetensorsReader.open(source));
        } catch (RuntimeException e) {
          closeQuietly(source);
          throw e;
        }
      }
      Map<String, SafetensorsReader> shardOf = new LinkedHashMap<>();
      List<TensorInfo> tensors = new ArrayList<>();
      Map<String, String> unsupported = new LinkedHashMap<>();
      for (Map.Entry<String, SafetensorsReader> s : byShard.entrySet()) {
        SafetensorsReader r = s.getValue();
        for (TensorInfo t : r.tensors()) {
          checkMapped(location, index, s.getKey(), t.name());
        }
        for (String t : r.unsupported().keySet()) {
          checkMapped(location, index, s.getKey(), t);
        }
      }
      for (Map.Entry<String, String> w : index.weightMap().entrySet()) {
        SafetensorsReader r = byShard.get(w.getValue());
        TensorInfo info = find(r, w.getKey());
        if (info != null) {
          tensors.add(info);
        } else if (r.unsupported().containsKey(w.getKey())) {
          unsupported.put(w.getKey(), r.unsupported().get(w.getKey()));
        } else {
          throw new TensorFormatException(location, w.getKey(), "the index maps it to shard '"
              + w.getValue() + "', which does not hold it");
        }
        shardOf.put(w.getKey(), r);
      }
      return new ShardedSafetensors(location, shardOf, new ArrayList<>(byShard.values()),
          tensors, unsupported);
    } catch (RuntimeException e) {
      byShard.values().forEach(ShardedSafetensors::closeQuietly);
      throw e;
    }
  }

  private static void checkMapped(String location, SafetensorsIndex index, String shard,
                                  String tensor) {
    String mapped = index.weightMap().get(tensor);
    if (!shard.equals(mapped)) {
      throw new TensorFormatException(location, tensor, "shard '" + shard + "' holds it but the "
          + "index " + (mapped == null ? "does not list it" : "maps it to '" + mapped + "'"));
    }
  }

  private static TensorInfo find(SafetensorsReader r, String name) {
    for (TensorInfo t : r.tensors()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public List<TensorInfo> tensors() {
    return tensors;
  }

  @Override
  public Map<String, String> unsupported() {
    return unsupported;
  }

  @Override
  public Tensor read(String name) {
    SafetensorsReader r = shardOf.get(name);
    if (r == null) {
      throw new TensorFormatException(location, name, "no such tensor; the index lists "
          + shardOf.size() + ": " + SafetensorsReader.preview(shardOf.keySet()));
    }
    return r.read(name);
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (SafetensorsReader r : shards) {
      try {
        r.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // already failing: the first error is the one to report
    }
  }
}
