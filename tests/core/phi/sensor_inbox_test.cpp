// SensorInbox: validation (nothing applied on error), t order, counts, staleness on an injected
// clock.

#include "phi/SensorInbox.h"

#include <gtest/gtest.h>

#include <vector>

using namespace soundlab::phi;

TEST(PhiSensorInbox, AppliesABatchInTimeOrderTheLastHolding) {
    double now = 1000.0;
    std::vector<SensorValues> seen;
    SensorInbox inbox([&](const SensorValues& v) { seen.push_back(v); }, [&] { return now; });
    std::vector<SensorSample> batch(3);
    batch[0].t = 999.5;
    batch[0].gsr = 0.9;
    batch[1].t = 999.0;
    batch[1].gsr = 0.1;
    batch[1].heartRateBpm = 80.0;
    batch[2].t = 999.2;
    batch[2].gsr = 0.5;
    ASSERT_TRUE(inbox.push(batch, true).empty());
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].gsr, 0.1);
    EXPECT_EQ(seen[1].gsr, 0.5);
    EXPECT_EQ(seen[2].gsr, 0.9) << "the latest in t order holds";
    EXPECT_EQ(seen[2].heartRateBpm, 80.0) << "absent fields keep the previous value";
    const SensorStatus s = inbox.status();
    EXPECT_EQ(s.received, 3u);
    EXPECT_EQ(s.applied, 3u);
    EXPECT_NEAR(*s.ageSeconds, 0.5, 1e-9);
    EXPECT_FALSE(s.stale);
}

TEST(PhiSensorInbox, StaleAfterTwoSecondsHoldingTheLastValue) {
    double now = 50.0;
    SensorValues last;
    SensorInbox inbox([&](const SensorValues& v) { last = v; }, [&] { return now; });
    EXPECT_FALSE(inbox.status().ageSeconds) << "no data yet: no age";
    SensorSample sample;
    sample.heartRateBpm = 100.0;  // no t: the arrival time
    ASSERT_TRUE(inbox.push({sample}, false).empty());
    now += 1.9;
    EXPECT_FALSE(inbox.status().stale);
    now += 0.2;
    const SensorStatus s = inbox.status();
    EXPECT_TRUE(s.stale);
    EXPECT_NEAR(*s.ageSeconds, 2.1, 1e-9);
    EXPECT_EQ(s.values.heartRateBpm, 100.0) << "holds";
    EXPECT_EQ(last.heartRateBpm, 100.0);
}

TEST(PhiSensorInbox, OutOfRangeNamesTheFieldAndAppliesNothing) {
    int calls = 0;
    SensorInbox inbox([&](const SensorValues&) { ++calls; }, [] { return 10.0; });
    std::vector<SensorSample> batch(2);
    batch[0].gsr = 0.5;
    batch[1].heartRateBpm = 250.0;
    const auto errors = inbox.push(batch, true);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].field, "[1].heart_rate_bpm");
    EXPECT_EQ(errors[0].min, 40.0);
    EXPECT_EQ(errors[0].max, 200.0);
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(inbox.status().received, 0u);
    SensorSample bad;
    bad.accelX = 20.0;
    EXPECT_EQ(inbox.push({bad}, false).at(0).field, "accel.x");
}
