package org.shockscope.shock;

/**
 * How well detections matched the truth in one family (or overall).
 *
 * @param family            the family, or {@link DetectorEvaluation#OVERALL}
 * @param truePositives     matched detections (each matched to one true event)
 * @param falsePositives    detections matched to nothing
 * @param falseNegatives    true events matched to nothing
 * @param precision         TP / (TP + FP); NaN without detections
 * @param recall            TP / (TP + FN); NaN without true events
 * @param f1                2TP / (2TP + FP + FN): the harmonic mean of precision and recall,
 *                          0 when nothing was found though events exist; NaN without events
 *                          and detections
 * @param medianTimingError median over matched pairs of |detected − true step| / run length;
 *                          NaN without matches
 */
public record DetectionScore(String family, int truePositives, int falsePositives,
                             int falseNegatives, double precision, double recall, double f1,
                             double medianTimingError) {}
