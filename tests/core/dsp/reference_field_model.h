#pragma once

// An independent, deliberately plain transcription of SPEC §2 in double precision, with the
// constants as docs/engine.md states them. It shares no code with the engine: std::sin/std::cos
// instead of the kernels' polynomials, the O(N²) pairwise form of the Kuramoto coupling instead of
// the mean field, and the cell's output function written as ½(|x + 1| − |x − 1|).

#include "dsp/EngineParameters.h"

#include <array>
#include <cmath>
#include <numbers>

namespace soundlab::dsp::test {

class ReferenceFieldModel {
public:
    static constexpr int N = 8;
    static constexpr double kPi = std::numbers::pi;
    static constexpr double kGolden = 1.6180339887498949;  // Φ
    // docs/engine.md, "Constants".
    static constexpr double kTau = 3e-6;                // cell time constant, s
    static constexpr double kA0 = 0.02;                 // self-feedback
    static constexpr double kB = 0.98;                  // input gain
    static constexpr double kA1PerK = 1.0 / 16.0;       // neighbour coupling per unit K
    static constexpr double kKappa = 2.0 * kPi * 10.0;  // Kuramoto coupling per unit K, rad/s

    ReferenceFieldModel(double sampleRate, const EngineParameters& parameters, double phiPhase,
                        double phiDepth)
        : fs_(sampleRate),
          parameters_(parameters),
          phiPhase_(phiPhase),
          depth_(phiDepth / kGolden),
          alpha_(1.0 - std::exp(-1.0 / (kTau * sampleRate))) {
        for (int k = 0; k < N; ++k)
            theta_[k] = std::fmod(k * 2.0 * kPi / (kGolden * kGolden), 2.0 * kPi);
    }

    // One sample: returns the eight channel outputs.
    std::array<double, N> step(double input) {
        std::array<double, N> inputs;
        inputs.fill(input);
        return step(inputs);
    }

    // One sample with cell k driven by inputs[k] (its crossover band, with band split).
    std::array<double, N> step(const std::array<double, N>& inputs) {
        const double K = parameters_.couplingStrength;
        std::array<double, N> y;
        for (int k = 0; k < N; ++k) y[k] = cellOutput(x_[k]);
        std::array<double, N> out;
        for (int k = 0; k < N; ++k) {
            const double m =
                1.0 + depth_ * parameters_.amplitudes[k] *
                          std::sin(theta_[k] + phiPhase_ + k * 2.0 * kPi / (kGolden * kGolden));
            const double u = inputs[k] * m;
            const double drive =
                kA0 * y[k] + kA1PerK * K * (y[(k + N - 1) % N] + y[(k + 1) % N]) + kB * u;
            x_[k] += alpha_ * (drive - x_[k]);
            out[k] = cellOutput(x_[k]) * (parameters_.enabled[k] ? parameters_.gain : 0.0);
        }
        std::array<double, N> next = theta_;
        for (int k = 0; k < N; ++k) {
            // R·sin(ψ − θ_k) = (1/N)·Σ_j sin(θ_j − θ_k)
            double pull = 0.0;
            for (int j = 0; j < N; ++j) pull += std::sin(theta_[j] - theta_[k]);
            pull /= N;
            next[k] +=
                2.0 * kPi / fs_ * (parameters_.frequencies[k] + K * kKappa / (2.0 * kPi) * pull);
        }
        theta_ = next;
        return out;
    }

    const std::array<double, N>& phases() const { return theta_; }

    double orderParameter() const {
        double c = 0.0;
        double s = 0.0;
        for (double theta : theta_) {
            c += std::cos(theta);
            s += std::sin(theta);
        }
        return std::hypot(c, s) / N;
    }

private:
    static double cellOutput(double x) { return 0.5 * (std::fabs(x + 1.0) - std::fabs(x - 1.0)); }

    double fs_;
    EngineParameters parameters_;
    double phiPhase_;
    double depth_;
    double alpha_;
    std::array<double, N> theta_{};
    std::array<double, N> x_{};
};

}  // namespace soundlab::dsp::test
