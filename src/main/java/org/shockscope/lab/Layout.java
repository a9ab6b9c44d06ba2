package org.shockscope.lab;

/** The sweep layouts of SPEC §3 the lab writes, each into its own folder under the output. */
public enum Layout {
  /** (a) {@code native/}: runs.csv, sweep.json, per-run params.json, metrics.csv, checkpoints. */
  NATIVE("native"),
  /** (b) {@code hf/}: Hugging Face Trainer output folders. */
  HF("hf"),
  /** (c) {@code mlflow/mlruns/}: an MLflow file store. */
  MLFLOW("mlflow");

  private final String label;

  Layout(String label) {
    this.label = label;
  }

  /** The option value and folder name. */
  public String label() {
    return label;
  }

  /** The layout called {@code label}. */
  public static Layout of(String label) {
    for (Layout l : values()) {
      if (l.label.equals(label)) {
        return l;
      }
    }
    throw new LabException("Unknown layout '" + label + "'; expected native, hf or mlflow");
  }
}
