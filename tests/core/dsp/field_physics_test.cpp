#include "dsp/BandSplitter.h"
#include "dsp/ChromaticFieldEngine.h"
#include "dsp_test_support.h"
#include "reference_field_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace soundlab::dsp::test {
namespace {

constexpr int kBlock = 512;

// Runs the engine on silence (the oscillators do not depend on the input) and returns R after
// every block.
std::vector<float> orderParameterTrace(ChromaticFieldEngine& engine, float coupling,
                                       double duration) {
    EngineParameters parameters;
    parameters.couplingStrength = coupling;
    engine.setParameters(parameters);
    engine.prepare(kSampleRate, kBlock);
    Channels scratch;
    std::array<float*, N> pointers;
    for (int k = 0; k < N; ++k) {
        scratch[k].resize(kBlock);
        pointers[k] = scratch[k].data();
    }
    std::vector<float> trace;
    const auto blocks = static_cast<size_t>(duration * kSampleRate / kBlock);
    for (size_t b = 0; b < blocks; ++b) {
        engine.process(nullptr, kBlock, PhiInput{}, pointers.data());
        trace.push_back(engine.orderParameter());
    }
    return trace;
}

double mean(const std::vector<float>& values, size_t begin) {
    return std::accumulate(values.begin() + static_cast<long>(begin), values.end(), 0.0) /
           static_cast<double>(values.size() - begin);
}

size_t blockAt(double time) {
    return static_cast<size_t>(time * kSampleRate / kBlock);
}

// The long runs use the engine's default kernel only: Avx2AndScalarAgreeOverTenSecondsOfNoise
// (dsp_engine_test) shows that both kernels integrate bit-identical phases, and the reference
// comparison below runs on both.
TEST(FieldPhysics, UncoupledOscillatorsStayIncoherentOnAverage) {
    ChromaticFieldEngine engine;
    const std::vector<float> trace = orderParameterTrace(engine, 0.0f, 60.0);
    const double average = mean(trace, 0);
    EXPECT_LE(average, 0.5);
    ::testing::Test::RecordProperty("mean_R_coupling_0", std::to_string(average));
}

TEST(FieldPhysics, FullCouplingLocksTheDefaultFrequencies) {
    ChromaticFieldEngine engine;
    const std::vector<float> trace = orderParameterTrace(engine, 2.0f, 20.0);
    // They start spread by the golden angle (R well below lock) and must get there by 10 s.
    EXPECT_LT(trace.front(), 0.8f);
    for (size_t b = blockAt(10.0); b < trace.size(); ++b) {
        ASSERT_GE(trace[b], 0.95f) << "block " << b;
    }
}

TEST(FieldPhysics, OrderParameterRisesWithCoupling) {
    ChromaticFieldEngine engine;
    double previous = -1.0;
    std::string sweep;
    for (float coupling = 0.0f; coupling <= 2.0f; coupling += 0.25f) {
        const double average = mean(orderParameterTrace(engine, coupling, 25.0), blockAt(5.0));
        EXPECT_GT(average, previous) << "coupling " << coupling;
        previous = average;
        sweep += std::to_string(coupling) + ":" + std::to_string(average) + " ";
    }
    ::testing::Test::RecordProperty("mean_R_by_coupling", sweep);
}

class FieldPhysicsTest : public ::testing::TestWithParam<SimdImplementation> {
protected:
    void SetUp() override {
        if (!engine.setImplementation(GetParam())) GTEST_SKIP() << "kernel not supported here";
    }
    ChromaticFieldEngine engine;
};

// The engine against ReferenceFieldModel: every output sample, the phases and R over 2 s of noise
// with the Φ modulation on, at a partly locked and at a locked coupling.
TEST_P(FieldPhysicsTest, MatchesAStraightforwardReferenceModel) {
    const std::vector<float> input = whiteNoise(seconds(2.0), 0.8f, 99);
    const PhiInput phi{0.7f, 1.4f};
    for (const bool bandSplit : {false, true})
        for (float coupling : {0.6f, 2.0f}) {
            SCOPED_TRACE(bandSplit ? "band split" : "full band");
            EngineParameters parameters;
            parameters.bandSplit = bandSplit;
            parameters.couplingStrength = coupling;
            parameters.enabled[5] = false;
            parameters.gain = 0.9f;
            engine.setParameters(parameters);
            engine.prepare(kSampleRate, kBlock);
            const Channels out = render(engine, input, kBlock, phi);

            ReferenceFieldModel reference(kSampleRate, parameters, phi.phase, phi.depth);
            // The bands come from BandSplitter (band_splitter_test checks it on its own).
            BandSplitter splitter;
            splitter.prepare(kSampleRate);
            std::vector<float> bands(input.size() * N);
            splitter.process(input.data(), int(input.size()), bands.data());
            double largest = 0.0;
            for (size_t n = 0; n < input.size(); ++n) {
                std::array<double, N> cellInputs;
                for (int k = 0; k < N; ++k) cellInputs[k] = bandSplit ? bands[n * N + k] : input[n];
                const auto expected = reference.step(cellInputs);
                for (int k = 0; k < N; ++k) {
                    largest = std::max(largest, std::fabs(out[k][n] - expected[k]));
                }
            }
            EXPECT_LE(largest, 1e-4) << "coupling " << coupling;
            for (int k = 0; k < N; ++k) {
                const double error = std::remainder(engine.fieldPhases()[k] - reference.phases()[k],
                                                    2.0 * std::numbers::pi);
                EXPECT_NEAR(error, 0.0, 1e-4) << "coupling " << coupling << ", oscillator " << k;
            }
            EXPECT_NEAR(engine.orderParameter(), reference.orderParameter(), 1e-4);
        }
}

INSTANTIATE_TEST_SUITE_P(Kernels, FieldPhysicsTest,
                         ::testing::Values(SimdImplementation::Scalar, SimdImplementation::Avx2),
                         [](const auto& info) { return implementationName(info.param); });

}  // namespace
}  // namespace soundlab::dsp::test
