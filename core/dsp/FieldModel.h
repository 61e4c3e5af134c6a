#pragma once

#include <numbers>

namespace soundlab::dsp {

// The fixed constants of the D-ASE field model (SPEC §2). docs/engine.md derives each one; the
// tests' reference model restates them, so a change here must go through the documentation.

// Kuramoto coupling scale: the coupling term's gain is K·κ rad/s with κ = 2π·10 rad/s, i.e.
// K = 1 pulls an oscillator by up to 10 Hz·R. The default frequencies span 0.5–14.5 Hz around a
// mean of 4.65 Hz, so they lock from K ≈ 1.2; at K = 2 the locked order parameter R ≈ 0.97.
inline constexpr double kKuramotoCouplingRadPerSecond = 2.0 * std::numbers::pi * 10.0;

// Chua–Yang cell: x ← x + α·(A0·y + A1·(y_{k−1} + y_{k+1}) + B·u − x), α = 1 − e^{−1/(τ·fs)}.
// Chosen so that at Φ depth 0 and K = 0 the engine is transparent (SPEC §2: ±1 dB, 20 Hz–16 kHz):
// the isolated cell is the one-pole x ← p·x + α·B·u with p = 1 − α·(1 − A0), unity at DC. τ = 3 µs
// gives α = 0.9995 / 0.9991 / 0.969 at 44.1 / 48 / 96 kHz, so p = 0.020 / 0.021 / 0.050 and the
// cell is −0.30 / −0.28 / −0.24 dB at 16 kHz (it was −6 dB with the former τ = 12 µs, A0 = 0.25).
// The cell's character is then its clamp to [−1, 1] and its neighbour coupling, not a low-pass.
inline constexpr double kCellTimeConstantSeconds = 3e-6;
inline constexpr float kCellSelfFeedback = 0.02f;  // A0 < 1: a cell never latches
inline constexpr float kCellInputGain = 0.98f;     // B = 1 − A0: unity small-signal gain
// A1 = K/16: at K = 2, A0 + 2·A1 = 0.27 < 1, so the ring stays a contraction (errors and
// excitations die out) and common-mode signals gain at most B/(1 − A0 − 2·A1) = 1.34 (+2.5 dB).
inline constexpr float kCellNeighbourCouplingPerK = 1.0f / 16.0f;
// Cell states below this magnitude (−300 dBFS) are set to 0 every sample: a decay ends in exact
// silence and never produces denormals, whatever the FPU's flush-to-zero mode.
inline constexpr float kCellFlushThreshold = 1e-15f;

// Input samples are limited to ±1000 (+60 dBFS) after non-finite ones are replaced by 0. The cell
// saturates long before, so this changes nothing audible but keeps every product finite.
inline constexpr float kInputLimit = 1000.0f;

// Every smoothed parameter reaches a new target linearly in this time (SPEC §2: ≤ 10 ms).
inline constexpr double kParameterRampSeconds = 0.010;

}  // namespace soundlab::dsp
