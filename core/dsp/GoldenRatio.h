#pragma once

namespace soundlab::dsp {

// Φ = (1 + √5) / 2. The field frequencies (0.5·Φ^k Hz), the Φ depth range [0, Φ], the modulation
// offsets (k·2π/Φ²) and the `phi` downmix weights are all built on it.
inline constexpr double kPhi = 1.61803398874989484820;

// The golden angle 2π/Φ² (≈ 137.5°), in radians.
inline constexpr double kGoldenAngle = 2.0 * 3.14159265358979323846 / (kPhi * kPhi);

}  // namespace soundlab::dsp
