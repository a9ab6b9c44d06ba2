package org.shockscope.symmetry;

import java.util.List;
import java.util.Map;
import org.shockscope.io.TensorInfo;

/**
 * A part of a network that a symmetry group acts on (SPEC §2 "group"), with the tensors it
 * owns. Every tensor of a checkpoint belongs to at most one group, so that groups are analysed
 * independently. Implementations: {@link NeuronGroup} (MLP and conv hidden layers),
 * {@link LinearChainGroup} (GL(h) on the hidden spaces of a linear chain),
 * {@link AttentionGroup} (head permutations and per-head GL(d_head)) and {@link PlainGroup}
 * (a tensor with no known symmetry).
 */
public sealed interface SymmetryGroup permits NeuronGroup, LinearChainGroup, AttentionGroup,
    PlainGroup {

  /** Stable readable name, used as the {@code group} column of the outputs. */
  String name();

  /** The tensors of the group, in the order the kernel indexes them. */
  List<TensorInfo> tensors();

  /**
   * What the structure was built from and how it acts, as a JSON-ready map (strings, numbers,
   * lists, maps) recorded with the outputs; also accepted back as an explicit group description.
   */
  Map<String, Object> describe();
}
