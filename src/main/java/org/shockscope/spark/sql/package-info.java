/**
 * SQL functions over the output tables (SPEC §7): the spectral observables of SPEC §4 computed
 * from an array of singular values ({@code effective_rank}, {@code stable_rank},
 * {@code participation_ratio}, {@code spectral_entropy}, {@code spectral_summary}), singular
 * values of a matrix ({@code singular_values}) and the viscous-shock tanh fit of an ordered series
 * ({@code jump_fit}). They are Spark V2 {@code UnboundFunction}s bound to {@code ScalarFunction}s
 * that call the same kernels as the job ({@link org.shockscope.symmetry.SpectralSummary},
 * {@link org.shockscope.symmetry.DenseLinearAlgebra}, {@link org.shockscope.shock.ViscousShockFit}),
 * so a query gives the job's numbers.
 *
 * <p>Two ways to enable them: {@code spark.sql.extensions=org.shockscope.spark.sql.ShockscopeExtensions}
 * when the session starts ({@link org.shockscope.spark.sql.ShockscopeExtensions}), or
 * {@link org.shockscope.spark.sql.ShockscopeFunctions#register} on a running session (a notebook
 * whose cluster attached the jar after start). Every function returns NULL, never an error, for
 * NULL, empty or unusable input.
 */
package org.shockscope.spark.sql;
