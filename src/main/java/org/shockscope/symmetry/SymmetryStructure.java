package org.shockscope.symmetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.shockscope.io.TensorInfo;

/**
 * Which tensors of a checkpoint form which symmetry group (SPEC §3 "Model structure"), plus
 * notes on what could not be resolved (e.g. attention without a head count, analysed as plain
 * matrices). Built by {@link StructureInference}; {@link #describe()} is the JSON recorded with
 * the outputs.
 *
 * @param groups the groups; no tensor belongs to two of them and group names are unique
 * @param notes  human-readable remarks on how the structure was obtained
 */
public record SymmetryStructure(List<SymmetryGroup> groups, List<String> notes) {
  // keys sorted: groups describe themselves with Map.of, whose iteration order changes from
  // one JVM to the next, and the description is stored with the outputs
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS,
          true);

  public SymmetryStructure {
    groups = List.copyOf(groups);
    notes = List.copyOf(notes);
    Set<String> tensorNames = new HashSet<>();
    Set<String> groupNames = new HashSet<>();
    for (SymmetryGroup g : groups) {
      if (!groupNames.add(g.name())) {
        throw new IllegalArgumentException("two groups are named '" + g.name() + "'");
      }
      for (TensorInfo t : g.tensors()) {
        if (!tensorNames.add(t.name())) {
          throw new IllegalArgumentException("tensor '" + t.name() + "' belongs to two groups");
        }
      }
    }
  }

  /** The group of a name, or {@code null}. */
  public SymmetryGroup group(String name) {
    for (SymmetryGroup g : groups) {
      if (g.name().equals(name)) {
        return g;
      }
    }
    return null;
  }

  /**
   * The structure as a JSON-ready map: {@code {"groups": [...], "notes": [...],
   * "symmetry_dim": n, "symmetry_log_order": x}}, the last two its {@link #degree()}.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> gs = new ArrayList<>();
    for (SymmetryGroup g : groups) {
      gs.add(g.describe());
    }
    m.put("groups", gs);
    m.put("notes", notes);
    SymmetryDegree degree = degree();
    m.put(SymmetryDegree.DIMENSION_KEY, degree.dimension());
    m.put(SymmetryDegree.LOG_ORDER_KEY, degree.logOrder());
    return m;
  }

  /** How much symmetry the structure has: the sum of its groups' {@link SymmetryDegree}. */
  public SymmetryDegree degree() {
    return SymmetryDegree.of(this);
  }

  /** The structure as a JSON string (see {@link #toMap()}). */
  public String describe() {
    try {
      return JSON.writeValueAsString(toMap());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("structure description is not serialisable", e);
    }
  }
}
