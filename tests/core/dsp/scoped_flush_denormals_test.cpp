#include "dsp/ScopedFlushDenormals.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>

namespace soundlab::dsp {
namespace {

// Through a volatile, so the compiler cannot fold the product at compile time.
float halve(float x) {
    volatile float value = x;
    return value * 0.5f;
}

TEST(ScopedFlushDenormals, FlushesInsideTheScopeAndRestoresAfter) {
#if !(defined(__x86_64__) || defined(__i386__) || defined(__aarch64__))
    GTEST_SKIP() << "no flush-to-zero mode known for this CPU";
#endif
    ASSERT_FALSE(ScopedFlushDenormals::active());
    ASSERT_EQ(std::fpclassify(halve(FLT_MIN)), FP_SUBNORMAL);
    {
        ScopedFlushDenormals flush;
        EXPECT_TRUE(ScopedFlushDenormals::active());
        EXPECT_EQ(halve(FLT_MIN), 0.0f);
        {
            ScopedFlushDenormals nested;
            EXPECT_TRUE(ScopedFlushDenormals::active());
        }
        EXPECT_TRUE(ScopedFlushDenormals::active()) << "the inner scope must restore, not clear";
    }
    EXPECT_FALSE(ScopedFlushDenormals::active());
    EXPECT_EQ(std::fpclassify(halve(FLT_MIN)), FP_SUBNORMAL);
}

}  // namespace
}  // namespace soundlab::dsp
