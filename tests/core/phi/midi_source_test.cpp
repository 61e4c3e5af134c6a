// The `midi` source: decoding (CC1 and pitch bend, any channel), the mappings (depth = cc/127·Φ,
// phase = wrap(π·bend/8192)), where in a block an event lands (its arrival time in the block's
// window), and that the controller hands the engine the new value from that sample on.

#include "phi/MidiSource.h"
#include "phi/PhiController.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace soundlab;
using namespace soundlab::phi;

namespace {

std::optional<MidiEvent> decode(std::vector<unsigned char> bytes, int64_t t = 7) {
    return decodeMidi(bytes.data(), bytes.size(), t);
}

struct Segment {
    int offset;
    int frames;
    dsp::PhiInput phi;
};

// A controller in `midi` mode (no fade: prepared with it) and the producer end of its queue.
struct MidiRig {
    static constexpr double kRate = 48000.0;
    static constexpr int kFrames = 512;
    static constexpr int64_t kBlockNs = int64_t(kFrames / kRate * 1e9);  // 10.666 ms

    MidiRig() {
        Settings settings;
        settings.mode = Mode::Midi;
        controller.setSettings(settings);
        controller.prepare(kRate);
        producer.emplace(*controller.takeMidiProducer());
    }
    void push(MidiEvent::Kind kind, int value, int64_t t) {
        ASSERT_TRUE(producer->push(MidiEvent{kind, int16_t(value), t}));
    }
    // Runs block `index` (window [index·T, (index + 1)·T)) and returns its segments.
    std::vector<Segment> block(int64_t index) {
        std::vector<Segment> segments;
        const BlockWindow window{index * kBlockNs, (index + 1) * kBlockNs};
        controller.process(input.data(), kFrames, window,
                           [&](int offset, int n, const dsp::PhiInput& phi) {
                               segments.push_back({offset, n, phi});
                           });
        return segments;
    }
    // A time `fraction` into block `index`'s window (rounded up to the nanosecond, so that it
    // falls on or after the sample it names).
    int64_t at(int64_t index, double fraction) const {
        return index * kBlockNs + int64_t(std::ceil(fraction * double(kBlockNs)));
    }

    PhiController controller;
    std::optional<MidiEventQueue::Producer> producer;
    std::vector<float> input = std::vector<float>(kFrames, 0.0f);
};

}  // namespace

TEST(MidiDecode, ModWheelOnAnyChannelAndPitchBend) {
    for (unsigned char channel : {0x0, 0x3, 0xF}) {
        const auto cc = decode({static_cast<unsigned char>(0xB0 | channel), 1, 100});
        ASSERT_TRUE(cc);
        EXPECT_EQ(cc->kind, MidiEvent::Kind::ModWheel);
        EXPECT_EQ(cc->value, 100);
        EXPECT_EQ(cc->arrivalNs, 7);
        const auto bend = decode({static_cast<unsigned char>(0xE0 | channel), 0x00, 0x40});
        ASSERT_TRUE(bend);
        EXPECT_EQ(bend->kind, MidiEvent::Kind::PitchBend);
        EXPECT_EQ(bend->value, 0);  // centre
    }
    EXPECT_EQ(decode({0xE0, 0x7F, 0x7F})->value, 8191);
    EXPECT_EQ(decode({0xE0, 0x00, 0x00})->value, -8192);
    EXPECT_EQ(decode({0xE0, 0x00, 0x60})->value, 4096);  // LSB first
}

TEST(MidiDecode, EverythingElseIsNotForPhi) {
    EXPECT_FALSE(decode({0xB0, 7, 100}));   // volume, not the mod wheel
    EXPECT_FALSE(decode({0xB0, 33, 100}));  // CC1's LSB partner
    EXPECT_FALSE(decode({0x90, 60, 100}));  // note on
    EXPECT_FALSE(decode({0xB0, 1}));        // truncated
    EXPECT_FALSE(decode({0xB0, 1, 0x80}));  // not a data byte
    EXPECT_FALSE(decode({}));
}

TEST(MidiSource, MapsTheModWheelToDepthAndPitchBendToPhase) {
    EXPECT_DOUBLE_EQ(MidiSource::depthFor(0), 0.0);
    EXPECT_DOUBLE_EQ(MidiSource::depthFor(127), dsp::kPhi);
    EXPECT_DOUBLE_EQ(MidiSource::depthFor(64), 64.0 / 127.0 * dsp::kPhi);
    EXPECT_DOUBLE_EQ(MidiSource::phaseFor(0), 0.0);  // wheel at rest: no phase offset
    EXPECT_DOUBLE_EQ(MidiSource::phaseFor(4096), kPi / 2);
    EXPECT_DOUBLE_EQ(MidiSource::phaseFor(-4096), 1.5 * kPi);
    EXPECT_DOUBLE_EQ(MidiSource::phaseFor(-8192), kPi);  // the ends meet at π
    EXPECT_NEAR(MidiSource::phaseFor(8191), kPi, 1e-3);
}

TEST(MidiSource, AnEventLandsWhereItArrivedInTheBlocksWindow) {
    const BlockWindow w{1000, 2000};
    EXPECT_EQ(MidiSource::sampleOffset(1000, w, 100), 0);
    EXPECT_EQ(MidiSource::sampleOffset(1250, w, 100), 25);
    EXPECT_EQ(MidiSource::sampleOffset(1500, w, 100), 50);
    EXPECT_EQ(MidiSource::sampleOffset(1999, w, 100), 99);
    EXPECT_EQ(MidiSource::sampleOffset(400, w, 100), 0);    // before the window: first sample
    EXPECT_EQ(MidiSource::sampleOffset(5000, w, 100), 99);  // clamped into the block
    EXPECT_EQ(MidiSource::sampleOffset(1500, BlockWindow{2000, 2000}, 100), 0);
}

TEST(MidiSource, HoldsZeroBeforeAnyEvent) {
    MidiRig rig;
    const auto segments = rig.block(0);
    ASSERT_EQ(segments.size(), 1u);
    EXPECT_EQ(segments[0].frames, MidiRig::kFrames);
    EXPECT_EQ(segments[0].phi.depth, 0.0f);
    EXPECT_EQ(segments[0].phi.phase, 0.0f);
    const State s = rig.controller.state();
    EXPECT_EQ(s.midiModWheel, -1);
    EXPECT_EQ(s.midiBend, kNoMidiBend);
    EXPECT_EQ(s.midiLastEventNs, 0);
}

TEST(MidiController, TheEngineGetsTheNewDepthFromTheEventsSampleOn) {
    MidiRig rig;
    rig.block(0);
    // CC1 = 127 a quarter into block 1's window: samples 0…127 keep depth 0, 128… get Φ.
    const int64_t t = rig.at(1, 0.25);
    rig.push(MidiEvent::Kind::ModWheel, 127, t);
    const auto segments = rig.block(1);
    ASSERT_EQ(segments.size(), 2u);
    EXPECT_EQ(segments[0].offset, 0);
    EXPECT_EQ(segments[0].frames, 128);
    EXPECT_EQ(segments[0].phi.depth, 0.0f);
    EXPECT_EQ(segments[1].offset, 128);
    EXPECT_EQ(segments[1].frames, MidiRig::kFrames - 128);
    EXPECT_FLOAT_EQ(segments[1].phi.depth, float(dsp::kPhi));
    // Reported with that very block: depth Φ, the value and its arrival.
    const State s = rig.controller.state();
    EXPECT_EQ(s.blocks, 2u);
    EXPECT_DOUBLE_EQ(s.depth, dsp::kPhi);
    EXPECT_EQ(s.midiModWheel, 127);
    EXPECT_EQ(s.midiLastEventNs, t);
    EXPECT_EQ(s.midiLastAppliedNs, 2 * MidiRig::kBlockNs);  // block 1's window end
    EXPECT_EQ(s.midiEvents, 1u);
    // The value holds.
    const auto next = rig.block(2);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_FLOAT_EQ(next[0].phi.depth, float(dsp::kPhi));
}

TEST(MidiController, PitchBendMovesThePhaseAtItsOffset) {
    MidiRig rig;
    rig.push(MidiEvent::Kind::PitchBend, 4096, rig.at(0, 0.5));
    const auto segments = rig.block(0);
    ASSERT_EQ(segments.size(), 2u);
    EXPECT_EQ(segments[1].offset, 256);
    EXPECT_EQ(segments[0].phi.phase, 0.0f);
    EXPECT_FLOAT_EQ(segments[1].phi.phase, float(kPi / 2));
    EXPECT_EQ(rig.controller.state().midiBend, 4096);
}

TEST(MidiController, AnEventFromALaterWindowWaitsForItsBlock) {
    MidiRig rig;
    // Arrived after block 0's window ended (its callback had started): it belongs to block 1.
    rig.push(MidiEvent::Kind::ModWheel, 127, rig.at(1, 0.5));
    const auto first = rig.block(0);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].phi.depth, 0.0f);
    EXPECT_EQ(rig.controller.state().midiModWheel, -1);
    const auto second = rig.block(1);
    ASSERT_EQ(second.size(), 2u);
    EXPECT_EQ(second[1].offset, 256);
    EXPECT_FLOAT_EQ(second[1].phi.depth, float(dsp::kPhi));
}

TEST(MidiController, ALateEventAppliesAtTheFirstSample) {
    MidiRig rig;
    rig.push(MidiEvent::Kind::ModWheel, 64, rig.at(0, 0.5));
    // Block 0 never ran (a stalled callback): the event is older than block 3's window.
    const auto segments = rig.block(3);
    ASSERT_EQ(segments.size(), 1u);
    EXPECT_FLOAT_EQ(segments[0].phi.depth, float(MidiSource::depthFor(64)));
}

TEST(MidiController, EventsInOrderWithinABlockMakeOneSegmentEach) {
    MidiRig rig;
    rig.push(MidiEvent::Kind::ModWheel, 32, rig.at(0, 0.125));      // sample 64
    rig.push(MidiEvent::Kind::PitchBend, -4096, rig.at(0, 0.125));  // same sample: one change
    rig.push(MidiEvent::Kind::ModWheel, 96, rig.at(0, 0.75));       // sample 384
    const auto segments = rig.block(0);
    ASSERT_EQ(segments.size(), 3u);
    EXPECT_EQ(segments[1].offset, 64);
    EXPECT_FLOAT_EQ(segments[1].phi.depth, float(MidiSource::depthFor(32)));
    EXPECT_FLOAT_EQ(segments[1].phi.phase, float(1.5 * kPi));
    EXPECT_EQ(segments[2].offset, 384);
    EXPECT_FLOAT_EQ(segments[2].phi.depth, float(MidiSource::depthFor(96)));
    EXPECT_FLOAT_EQ(segments[2].phi.phase, float(1.5 * kPi));  // the bend holds
    int covered = 0;
    for (const Segment& s : segments) covered += s.frames;
    EXPECT_EQ(covered, MidiRig::kFrames);
    EXPECT_EQ(rig.controller.state().midiEvents, 3u);
}

TEST(MidiController, MoreChangesThanTheBlockHoldsMergeIntoTheLastAndNoneIsLost) {
    MidiRig rig;
    // One event per sample for 100 samples: 32 segments at most, the final value wins.
    for (int i = 0; i < 100; ++i)
        rig.push(MidiEvent::Kind::ModWheel, i,
                 rig.at(0, (double(i) + 0.5) / double(MidiRig::kFrames)));
    const auto segments = rig.block(0);
    EXPECT_LE(segments.size(), size_t(MidiSource::kMaxChangesPerChunk) + 1);
    EXPECT_FLOAT_EQ(segments.back().phi.depth, float(MidiSource::depthFor(99)));
    EXPECT_EQ(rig.controller.state().midiEvents, 100u);
    EXPECT_EQ(rig.controller.state().midiModWheel, 99);
}

TEST(MidiController, TheProducerEndIsHandedOutOnce) {
    PhiController controller;
    EXPECT_TRUE(controller.takeMidiProducer());
    EXPECT_FALSE(controller.takeMidiProducer());
}
