#include "dsp/ChromaticFieldEngine.h"
#include "dsp/SimdImplementation.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace soundlab::dsp {
namespace {

// Restores SOUNDLAB_FORCE_SCALAR as it was before the test.
class ForceScalarEnvironment {
public:
    ForceScalarEnvironment() {
        if (const char* value = std::getenv(kName)) saved_ = value;
    }
    ~ForceScalarEnvironment() {
        if (saved_.empty()) {
            unsetenv(kName);
        } else {
            setenv(kName, saved_.c_str(), 1);
        }
    }

    static constexpr const char* kName = "SOUNDLAB_FORCE_SCALAR";

private:
    std::string saved_;
};

TEST(SimdDispatch, ForceScalarEnvironmentSelectsTheScalarKernel) {
    ForceScalarEnvironment restore;
    setenv(ForceScalarEnvironment::kName, "1", 1);
    EXPECT_TRUE(scalarForcedByEnvironment());
    EXPECT_EQ(defaultSimdImplementation(), SimdImplementation::Scalar);
    EXPECT_EQ(ChromaticFieldEngine().implementation(), SimdImplementation::Scalar);

    setenv(ForceScalarEnvironment::kName, "0", 1);
    EXPECT_FALSE(scalarForcedByEnvironment());
    unsetenv(ForceScalarEnvironment::kName);
    const SimdImplementation best =
        cpuSupportsAvx2Fma() ? SimdImplementation::Avx2 : SimdImplementation::Scalar;
    EXPECT_EQ(defaultSimdImplementation(), best);
    EXPECT_EQ(ChromaticFieldEngine().implementation(), best);
}

TEST(SimdDispatch, ExplicitChoiceWorksWhenTheCpuAllowsIt) {
    ChromaticFieldEngine engine;
    EXPECT_TRUE(engine.setImplementation(SimdImplementation::Scalar));
    EXPECT_EQ(engine.implementation(), SimdImplementation::Scalar);
    EXPECT_EQ(engine.setImplementation(SimdImplementation::Avx2), cpuSupportsAvx2Fma());
    EXPECT_EQ(engine.implementation(),
              cpuSupportsAvx2Fma() ? SimdImplementation::Avx2 : SimdImplementation::Scalar);
    EXPECT_EQ(toString(SimdImplementation::Scalar), "scalar");
    EXPECT_EQ(toString(SimdImplementation::Avx2), "avx2");
}

}  // namespace
}  // namespace soundlab::dsp
