package org.shockscope.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The index of a sharded Hugging Face safetensors checkpoint,
 * {@code model.safetensors.index.json}: {@code {"metadata": {"total_size": ...},
 * "weight_map": {"<tensor>": "model-00001-of-00002.safetensors", ...}}}.
 * Every shard must be a plain file name ending in {@code .safetensors}, resolved next to the
 * index: path separators, {@code ..}, a colon (which Hadoop would read as a URI scheme) and
 * control characters are refused, so an index cannot point outside its folder.
 *
 * @param weightMap tensor name to shard file name, in index order
 * @param metadata  the {@code metadata} object, values as text (numbers in decimal)
 */
public record SafetensorsIndex(Map<String, String> weightMap, Map<String, String> metadata) {
  /** The file name Hugging Face gives the index of {@code model.safetensors} shards. */
  public static final String FILE_NAME = "model.safetensors.index.json";
  /** The suffix every index of safetensors shards has. */
  public static final String SUFFIX = ".safetensors.index.json";
  private static final long MAX_BYTES = SafetensorsReader.MAX_HEADER_BYTES;
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16)
          .maxDocumentLength(MAX_BYTES).build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build());

  public SafetensorsIndex {
    weightMap = Collections.unmodifiableMap(new LinkedHashMap<>(weightMap));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The distinct shard file names, sorted. */
  public List<String> shards() {
    return new ArrayList<>(new TreeSet<>(weightMap.values()));
  }

  /**
   * Reads and validates an index file.
   *
   * @throws TensorFormatException when it is not such an index or names an unsafe shard
   * @throws TensorIoException     when the storage fails
   */
  public static SafetensorsIndex read(ByteSource source) {
    String file = source.location();
    long size = source.size();
    if (size > MAX_BYTES) {
      throw new TensorFormatException(file, null, "index has " + size + " bytes, more than the "
          + MAX_BYTES + " accepted");
    }
    byte[] bytes = new byte[(int) size];
    try {
      source.readFully(0, bytes, 0, bytes.length);
    } catch (IOException e) {
      throw new TensorIoException(file, "cannot read the index: " + e, e);
    }
    return parse(file, bytes);
  }

  /**
   * Parses and validates index JSON.
   *
   * @param file  for messages
   * @param bytes the index file content (input, not modified)
   */
  public static SafetensorsIndex parse(String file, byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new TensorFormatException(file, null, "index is not well-formed JSON: "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new TensorFormatException(file, null, "index cannot be parsed: " + e, e);
    }
    if (root == null || !root.isObject()) {
      throw new TensorFormatException(file, null, "index must be a JSON object");
    }
    JsonNode map = root.get("weight_map");
    if (map == null || !map.isObject()) {
      throw new TensorFormatException(file, null, "index has no \"weight_map\" object");
    }
    Map<String, String> weights = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new TensorFormatException(file, e.getKey(), "weight_map value must be a shard "
            + "file name, found " + e.getValue());
      }
      weights.put(e.getKey(), checkShardName(file, e.getKey(), e.getValue().asText()));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    JsonNode m = root.get("metadata");
    if (m != null && !m.isNull()) {
      if (!m.isObject()) {
        throw new TensorFormatException(file, null, "index \"metadata\" must be an object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        meta.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText()
            : e.getValue().toString());
      }
    }
    return new SafetensorsIndex(weights, meta);
  }

  private static String checkShardName(String file, String tensor, String shard) {
    String problem = null;
    if (shard.isEmpty() || shard.equals(".") || shard.equals("..")) {
      problem = "is not a file name";
    } else if (shard.indexOf('/') >= 0 || shard.indexOf('\\') >= 0) {
      problem = "contains a path separator; shards must sit next to the index";
    } else if (shard.indexOf(':') >= 0) {
      problem = "contains ':', which would be read as a URI scheme";
    } else if (shard.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      problem = "contains a control character";
    } else if (!shard.endsWith(".safetensors")) {
      problem = "does not end in .safetensors";
    }
    if (problem != null) {
      throw new TensorFormatException(file, tensor, "shard name \"" + shard + "\" " + problem);
    }
    return shard;
  }
}
