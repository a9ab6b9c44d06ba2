package org.shockscope.io;

/**
 * A Python pickle (PyTorch {@code .pt}/{@code .pth}/{@code .bin}/{@code .ckpt}, {@code .pkl},
 * or a numpy object array) that shockscope refuses to read: unpickling can run arbitrary code.
 * The message says how to convert the file to safetensors.
 */
public final class PickleRefusedException extends TensorFormatException {
  /**
   * @param file    the refused file
   * @param tensor  the refused tensor inside it, or {@code null} for the whole file
   * @param problem why it is refused and how to convert it
   */
  public PickleRefusedException(String file, String tensor, String problem) {
    super(file, tensor, problem);
  }

  /**
   * How to turn a pickled PyTorch checkpoint into safetensors, with the commands written for
   * {@code fileName} (its last path segment).
   */
  public static String conversionAdvice(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String stem = dot > 0 ? fileName.substring(0, dot) : fileName;
    return "convert it to safetensors once, in Python: python -c \"import torch; "
        + "from safetensors.torch import save_file; save_file(torch.load('" + fileName
        + "', map_location='cpu', weights_only=True), '" + stem + ".safetensors')\""
        + " (if the file holds a dict with a 'state_dict' or 'model' entry, save that entry);"
        + " for a Hugging Face model: model.save_pretrained(dir, safe_serialization=True);"
        + " numpy arrays: np.savez(...) to an .npz";
  }
}
