package org.shockscope.forecast;

import java.util.Locale;
import java.util.regex.Pattern;
import org.shockscope.shock.SeriesData;

/**
 * The family a run's series belongs to, as the forecasters read it: the run-level loss, the
 * spectral norm of an attention head's {@code W_Q W_Kᵀ} map (observable
 * {@code head<h>.qk/spectral_norm} of an attention group, invariant under GL(d_head); it bounds
 * the head's attention logits, whose growth precedes transformer divergence: Wortsman et al.,
 * "Small-scale proxies for large-scale Transformer training instabilities", 2023, §3.1), the
 * spectral norm of the unembedding (a plain matrix named {@code lm_head}, {@code unembed},
 * {@code embed_out} or {@code output.weight}: it bounds the output logits, whose divergence is
 * the paper's second instability, §3.2), every other spectral norm, a mode (a singular value
 * series {@code <matrix>/sv<k>}), or none of these.
 */
public enum SeriesFamily {
  LOSS, QK, UNEMBEDDING, SPECTRAL_NORM, MODE, OTHER;

  private static final String SPECTRAL = "/spectral_norm";
  private static final Pattern QK_NORM = Pattern.compile("head[0-9]+\\.qk" + SPECTRAL);
  private static final Pattern UNEMBEDDING_NAME = Pattern.compile(
      "(.*[._/])?(lm_head|unembed|embed_out|output)(\\.weight)?" + SPECTRAL);

  /** The family of a series. */
  public static SeriesFamily of(SeriesData s) {
    String name = s.name();
    if (s.group().isEmpty()) {
      return name.toLowerCase(Locale.ROOT).contains("loss") ? LOSS : OTHER;
    }
    // the forecasters ask for every series at every step: most are neither norms nor modes,
    // and are told so without a regular expression
    if (!name.endsWith(SPECTRAL)) {
      return name.equals("spectral_norm") ? SPECTRAL_NORM : isModeName(name) ? MODE : OTHER;
    }
    if (QK_NORM.matcher(name).matches()) {
      return QK;
    }
    if (UNEMBEDDING_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
      return UNEMBEDDING;
    }
    return SPECTRAL_NORM;
  }

  /**
   * Whether {@code name} is a mode series, {@code <matrix>/sv<k>}: its last {@code /sv} is
   * followed by one or more decimal digits and nothing else.
   */
  public static boolean isModeName(String name) {
    int at = name.lastIndexOf("/sv");
    if (at < 0 || at + 3 == name.length()) {
      return false;
    }
    for (int i = at + 3; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The series' name as the {@code series} column lists it: {@code group/name}, or the name. */
  public static String label(SeriesData s) {
    return s.group().isEmpty() ? s.name() : s.group() + "/" + s.name();
  }
}
