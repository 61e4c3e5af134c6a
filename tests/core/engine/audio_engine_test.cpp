#include "RecordingCallback.h"
#include "engine/AudioEngine.h"
#include "engine/BlockTiming.h"
#include "engine/ProcessingChain.h"
#include "rt/TripleBuffer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

using namespace soundlab;

namespace {

StreamConfig virtualConfig(int blockSize = 512) {
    StreamConfig config;
    config.inputDevice = config.outputDevice = QStringLiteral("virtual");
    config.blockSize = blockSize;
    return config;
}

}  // namespace

TEST(AudioEngine, RejectsUnsupportedValuesAndSaysWhatIsValid) {
    AudioEngine engine;
    StreamConfig config = virtualConfig();
    config.sampleRate = 22050;
    auto error = engine.validate(config);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind, EngineError::Kind::InvalidConfig);
    EXPECT_TRUE(error->message.contains(QStringLiteral("44100, 48000, 96000")));

    config = virtualConfig(32);
    error = engine.validate(config);
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->message.contains(QStringLiteral("64 to 2048")));

    config = virtualConfig();
    config.inputDevice = config.outputDevice = QStringLiteral("no such card");
    error = engine.validate(config);
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->message.contains(QStringLiteral("virtual")));

    config.inputDevice = QStringLiteral("virtual");
    config.outputDevice = QStringLiteral("0");
    EXPECT_TRUE(engine.validate(config));

    // A rejected configuration leaves the current one alone.
    ASSERT_FALSE(engine.configure(virtualConfig(256)));
    EXPECT_TRUE(engine.configure(virtualConfig(4096)));
    EXPECT_EQ(engine.config().blockSize, 256);
}

TEST(AudioEngine, StartAndStopAreIdempotent) {
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(virtualConfig()));
    EXPECT_FALSE(engine.isRunning());
    engine.stop();
    ASSERT_FALSE(engine.start());
    ASSERT_FALSE(engine.start());
    EXPECT_TRUE(engine.isRunning());
    EXPECT_TRUE(test::waitFor([&] { return engine.status().callbackCount > 3; }, 2000));
    const uint64_t before = engine.status().callbackCount;
    ASSERT_FALSE(engine.start());  // a second start does not restart the stream
    EXPECT_GE(engine.status().callbackCount, before);
    engine.stop();
    engine.stop();
    EXPECT_FALSE(engine.isRunning());
}

TEST(AudioEngine, ConfigureWhileRunningRestartsWithTheNewFormat) {
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(virtualConfig(512)));
    ASSERT_FALSE(engine.start());
    StreamConfig config = virtualConfig(128);
    config.sampleRate = 96000;
    ASSERT_FALSE(engine.configure(config));
    EXPECT_TRUE(engine.isRunning());
    const AudioStatus status = engine.status();
    EXPECT_EQ(status.stream.blockSize, 128);
    EXPECT_EQ(status.stream.sampleRate, 96000.0);
    EXPECT_TRUE(test::waitFor([&] { return engine.performance().callbackCount > 20; }, 2000));
    EXPECT_NEAR(engine.performance().bufferDurationMs, 1000.0 * 128 / 96000, 1e-9);
}

TEST(AudioEngine, ReportsProcessingTimeAndLoad) {
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(virtualConfig(256)));
    ASSERT_FALSE(engine.start());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const PerformanceStats p = engine.performance();
    EXPECT_GT(p.callbackCount, 50u);
    EXPECT_GT(p.averageMs, 0.0);
    EXPECT_LE(p.minMs, p.averageMs);
    EXPECT_LE(p.averageMs, p.maxMs);
    EXPECT_GT(p.cpuLoadAverage, 0.0);
    EXPECT_LT(p.cpuLoadAverage, 1.0);
    EXPECT_NEAR(p.cpuLoadAverage, p.averageMs / p.bufferDurationMs, 1e-9);
    EXPECT_GE(p.cpuLoadPeak, p.cpuLoadCurrent);
    EXPECT_EQ(p.timingRecordsDropped, 0u);
}

TEST(AudioEngine, ProbeOnTheVirtualLoopbackFindsItsDelayWhileTheStreamRuns) {
    AudioEngine engine;
    StreamConfig config = virtualConfig(256);
    config.virtualDevice.loopbackDelaySamples = 1000;
    ASSERT_FALSE(engine.configure(config));
    ASSERT_FALSE(engine.start());
    for (int attempt = 0; attempt < 2; ++attempt) {
        QString error;
        const auto capture = engine.playAndRecord({1.0f}, 4096, 3000, &error);
        ASSERT_TRUE(capture) << error.toStdString();
        long long peak = -1;
        for (size_t i = 0; i < capture->size() && peak < 0; ++i)
            if ((*capture)[i] > 0.5f) peak = (long long)i;
        EXPECT_EQ(peak, 1000);
    }
    EXPECT_TRUE(engine.isRunning());
    engine.stop();
    QString error;
    EXPECT_FALSE(engine.playAndRecord({1.0f}, 16, 100, &error));
    EXPECT_FALSE(error.isEmpty());
}

namespace {

// Runs `chain` over `input` in blocks of `frames`, returning the left channel.
std::vector<float> runChain(ProcessingChain& chain, const std::vector<float>& input, int frames,
                            std::vector<float>* right = nullptr) {
    std::vector<float> left(input.size()), r(input.size());
    for (size_t at = 0; at < input.size(); at += size_t(frames)) {
        AudioBlock block;
        block.input = input.data() + at;
        block.left = left.data() + at;
        block.right = r.data() + at;
        block.frames = int(std::min<size_t>(size_t(frames), input.size() - at));
        chain.process(block);
    }
    if (right) *right = r;
    return left;
}

std::vector<float> sine(size_t n, double hz = 440.0) {
    std::vector<float> x(n);
    for (size_t i = 0; i < n; ++i) x[i] = float(0.5 * std::sin(2 * M_PI * hz * double(i) / 48000));
    return x;
}

}  // namespace

TEST(ProcessingChain, SilenceInGivesExactSilenceOut) {
    ProcessingChain chain;
    chain.prepare(48000, 512);
    std::vector<float> right;
    const std::vector<float> left = runChain(chain, std::vector<float>(4096, 0.0f), 512, &right);
    for (size_t i = 0; i < left.size(); ++i) {
        ASSERT_EQ(left[i], 0.0f);
        ASSERT_EQ(right[i], 0.0f);
    }
}

TEST(ProcessingChain, RunsTheEngineAndDownmixWithinFullScale) {
    ProcessingChain chain;
    chain.prepare(48000, 512);
    std::vector<float> right;
    const std::vector<float> left = runChain(chain, sine(48000), 512, &right);
    double energy = 0;
    for (size_t i = 0; i < left.size(); ++i) {
        ASSERT_LE(std::abs(left[i]), 1.0f);
        ASSERT_LE(std::abs(right[i]), 1.0f);
        energy += double(left[i]) * left[i] + double(right[i]) * right[i];
    }
    EXPECT_GT(energy / double(left.size()), 1e-4) << "a -6 dBFS sine must come through";
    EXPECT_GE(chain.orderParameter(), 0.0f);
    EXPECT_LE(chain.orderParameter(), 1.0f);
}

TEST(ProcessingChain, HostPeriodsLargerThanItsBlockGiveTheSameOutput) {
    ProcessingChain inPieces, inBlocks;
    inPieces.prepare(48000, 512);
    inBlocks.prepare(48000, 512);
    const std::vector<float> input = sine(8192, 1000);
    EXPECT_EQ(runChain(inPieces, input, 2048), runChain(inBlocks, input, 512));
    EXPECT_EQ(inPieces.callbackCount(), 4u);
    BlockTiming timing;
    ASSERT_TRUE(inPieces.popTiming(&timing));
    EXPECT_EQ(timing.frames, 2048);
    EXPECT_GE(timing.endNs, timing.startNs);
    // What the stream clock's loop needs: which stream, where the block starts, the rate.
    EXPECT_EQ(timing.position, 0);
    EXPECT_EQ(timing.sampleRate, 48000.0);
    BlockTiming next;
    ASSERT_TRUE(inPieces.popTiming(&next));
    EXPECT_EQ(next.position, 2048);
    EXPECT_EQ(next.generation, timing.generation);
    EXPECT_GE(next.startNs, timing.startNs);
}

TEST(ProcessingChain, ParametersReachTheAudioThreadAndRamp) {
    ProcessingChain chain;
    chain.prepare(48000, 256);
    runChain(chain, sine(4800), 256);
    ChainParameters mute;
    mute.engine.gain = 0.0f;
    chain.setParameters(mute);
    // The 10 ms ramp: not silent at once, silent after it (below −120 dBFS once the downmix's
    // allpass tails, time constants ≤ 4 ms, have died away).
    const std::vector<float> out = runChain(chain, sine(4800), 256);
    float early = 0, late = 0;
    for (size_t i = 0; i < 48; ++i) early = std::max(early, std::abs(out[i]));
    for (size_t i = 2400; i < out.size(); ++i) late = std::max(late, std::abs(out[i]));
    EXPECT_GT(early, 0.01f);
    EXPECT_LT(late, 1e-6f);
}

TEST(ProcessingChain, TheNewestParametersWinHoweverManyArriveBetweenBlocks) {
    ProcessingChain chain;
    chain.prepare(48000, 256);
    ChainParameters p;
    for (int i = 0; i < 1000; ++i) {  // far more than any queue would hold
        p.engine.gain = float(i % 2);
        chain.setParameters(p);
    }
    p.engine.gain = 0.0f;
    chain.setParameters(p);
    const std::vector<float> out = runChain(chain, sine(4800), 256);
    // Silent once the 10 ms ramps are over and the downmix's allpass tails (spatial's turned
    // bands, time constants ≤ 4 ms) have died away: below −120 dBFS.
    for (size_t i = 2400; i < out.size(); ++i) ASSERT_LT(std::fabs(out[i]), 1e-6f) << i;
}

TEST(TripleBuffer, ReaderSeesOnlyTheNewestValueOnce) {
    TripleBuffer<int> buffer;
    int value = -1;
    EXPECT_FALSE(buffer.read(&value));
    buffer.write(1);
    buffer.write(2);
    buffer.write(3);
    ASSERT_TRUE(buffer.read(&value));
    EXPECT_EQ(value, 3);
    EXPECT_FALSE(buffer.read(&value));
    for (int i = 0; i < 10; ++i) {
        buffer.write(100 + i);
        ASSERT_TRUE(buffer.read(&value));
        EXPECT_EQ(value, 100 + i);
    }
}

TEST(TripleBuffer, AReaderOnAnotherThreadNeverSeesATornOrOlderValue) {
    struct Pair {
        long a, b;
    };
    TripleBuffer<Pair> buffer;
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (long i = 1; i <= 200000; ++i) buffer.write({i, -i});
        done = true;
    });
    long last = 0;
    Pair p{};
    for (;;) {
        const bool finished = done.load();
        if (buffer.read(&p)) {
            ASSERT_EQ(p.a, -p.b) << "torn value";
            ASSERT_GT(p.a, last) << "older value after a newer one";
            last = p.a;
        } else if (finished) {
            break;  // everything was written before this empty read
        }
    }
    writer.join();
    EXPECT_EQ(last, 200000) << "the last value written is the last one read";
}

TEST(ProcessingChain, CountsXrunFlags) {
    ProcessingChain chain;
    chain.prepare(48000, 64);
    std::vector<float> in(64), l(64), r(64);
    AudioBlock block{in.data(), l.data(), r.data(), 64, 0, 0, kOutputUnderflow};
    chain.process(block);
    block.status = kInputOverflow | kOutputUnderflow;
    chain.process(block);
    EXPECT_EQ(chain.outputUnderflows(), 2u);
    EXPECT_EQ(chain.inputOverflows(), 1u);
}

TEST(AudioEngine, RejectsInvalidEngineParametersAndAppliesValidOnes) {
    AudioEngine engine;
    dsp::EngineParameters bad = engine.engineParameters();
    bad.frequencies[3] = 25.0f;
    bad.couplingStrength = 3.0f;
    const auto errors = engine.setEngineParameters(bad);
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].field, "frequencies[3]");
    EXPECT_EQ(errors[1].field, "coupling_strength");
    EXPECT_EQ(engine.engineParameters().couplingStrength, dsp::EngineParameters{}.couplingStrength);

    dsp::EngineParameters good;
    good.couplingStrength = 2.0f;
    EXPECT_TRUE(engine.setEngineParameters(good).empty());
    EXPECT_EQ(engine.engineParameters().couplingStrength, 2.0f);
}

namespace {

// The sample index of the first value above half scale, or -1.
long long firstPeak(const std::vector<float>& capture) {
    for (size_t i = 0; i < capture.size(); ++i)
        if (capture[i] > 0.5f) return (long long)i;
    return -1;
}

StreamConfig loopbackConfig(double delaySamples, int blockSize = 256) {
    StreamConfig config = virtualConfig(blockSize);
    config.virtualDevice.loopbackDelaySamples = delaySamples;
    return config;
}

}  // namespace

TEST(AudioEngine, AStreamRestartDuringAMeasurementEndsItAndTheNextOneIsExact) {
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(loopbackConfig(1000)));
    ASSERT_FALSE(engine.start());
    for (int round = 0; round < 3; ++round) {
        // Ten seconds of capture: the restart always comes while it runs.
        std::optional<std::vector<float>> capture;
        QString error;
        std::thread waiter([&] { capture = engine.playAndRecord({1.0f}, 480000, 10000, &error); });
        ASSERT_TRUE(test::waitFor(
            [&] { return engine.chain().probe().idle() == false; }, 3000));
        engine.stop();
        ASSERT_FALSE(engine.start());
        waiter.join();
        EXPECT_FALSE(capture);
        EXPECT_TRUE(error.contains(QStringLiteral("restarted"))) << error.toStdString();

        // The slot is free again at once, and the next measurement is whole and exact.
        capture = engine.playAndRecord({1.0f}, 4096, 3000, &error);
        ASSERT_TRUE(capture) << error.toStdString();
        EXPECT_EQ(firstPeak(*capture), 1000);
    }
}

TEST(AudioEngine, AMeasurementThatTimedOutCanBeRetriedAtOnce) {
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(loopbackConfig(700)));
    ASSERT_FALSE(engine.start());
    for (int round = 0; round < 20; ++round) {
        QString error;
        // One second of capture cannot finish in 20 ms. It plays silence: a click it played
        // would still be in the loop and (rightly) show up in the next capture.
        EXPECT_FALSE(engine.playAndRecord({0.0f}, 48000, 20, &error));
        EXPECT_TRUE(error.contains(QStringLiteral("within"))) << error.toStdString();
        // Retried at once: the cancelled one is released by the audio thread, never finished
        // into the new one (its capture would be 48000 samples long, its peak elsewhere).
        const auto capture = engine.playAndRecord({1.0f}, 2048, 3000, &error);
        ASSERT_TRUE(capture) << error.toStdString();
        EXPECT_EQ(capture->size(), 2048u);
        EXPECT_EQ(firstPeak(*capture), 700);
    }
}

TEST(AudioEngine, OneMeasurementAtATime) {
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(loopbackConfig(500)));
    ASSERT_FALSE(engine.start());
    std::optional<std::vector<float>> first;
    QString firstError;
    std::thread waiter([&] { first = engine.playAndRecord({1.0f}, 48000, 5000, &firstError); });
    ASSERT_TRUE(test::waitFor([&] { return !engine.chain().probe().idle(); }, 3000));
    QString error;
    EXPECT_FALSE(engine.playAndRecord({1.0f}, 1024, 1000, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("another measurement"))) << error.toStdString();
    waiter.join();
    ASSERT_TRUE(first) << firstError.toStdString();
    EXPECT_EQ(firstPeak(*first), 500);
}

TEST(LoopbackProbeSlot, FinishedAndReleasedAreTwoStatesAndStaleTicketsNeverMatch) {
    LoopbackProbeSlot slot;
    LoopbackProbeSlot::Control control = slot.control();
    LoopbackProbeSlot::Audio audio = slot.audio();
    std::vector<float> in(8, 0.25f), left(8), right(8);

    const auto first = control.arm({1.0f, 2.0f}, 4);
    ASSERT_TRUE(first);
    EXPECT_FALSE(control.arm({1.0f}, 4)) << "one measurement at a time";
    audio.run(in.data(), left.data(), right.data(), 8);
    EXPECT_EQ(slot.state(), LoopbackProbeSlot::State::Finished);
    EXPECT_EQ(left[0], 1.0f);
    EXPECT_EQ(left[1], 2.0f);
    EXPECT_EQ(left[2], 0.0f);
    EXPECT_FALSE(control.idle()) << "finished is not yet released";
    const auto capture = control.take(*first);
    ASSERT_TRUE(capture);
    EXPECT_EQ(*capture, std::vector<float>(4, 0.25f));
    EXPECT_TRUE(control.idle());

    // A cancel that races the finish: the later one wins, the ticket is spent either way.
    const auto second = control.arm({1.0f}, 4);
    ASSERT_TRUE(second);
    control.cancel(*first);  // stale: no effect
    EXPECT_EQ(slot.state(), LoopbackProbeSlot::State::Armed);
    audio.run(in.data(), left.data(), right.data(), 2);  // running, half done
    control.cancel(*second);
    EXPECT_EQ(slot.state(), LoopbackProbeSlot::State::Cancelling);
    EXPECT_FALSE(control.arm({1.0f}, 4)) << "the audio thread still owns the buffers";
    audio.run(in.data(), left.data(), right.data(), 8);
    EXPECT_TRUE(control.idle());
    EXPECT_FALSE(control.take(*second));

    // A stream restart drops a pending measurement: neither finished nor pending.
    const auto third = control.arm({1.0f}, 4);
    ASSERT_TRUE(third);
    slot.resetStopped();
    EXPECT_EQ(control.progress(*third), LoopbackProbeSlot::Control::Progress::Gone);
    const auto fourth = control.arm({1.0f}, 4);
    ASSERT_TRUE(fourth);
    EXPECT_NE(fourth->generation, third->generation);
}

TEST(AudioEngine, ConcurrentEditorsNeverLoseEachOthersChanges) {
    // Each thread nudges its own amplitude many times, read–modify–write; with a read and a
    // write in separate lock scopes some nudges would be lost.
    AudioEngine engine;
    ASSERT_TRUE(engine.updateSettings([](DspSettings& s) {
                          s.engine.amplitudes.fill(0.0f);
                          return std::vector<dsp::ParameterError>();
                      }).empty());
    constexpr int kThreads = 4, kSteps = 2000;
    std::vector<std::thread> editors;
    for (int t = 0; t < kThreads; ++t)
        editors.emplace_back([&engine, t] {
            for (int i = 0; i < kSteps; ++i)
                engine.updateSettings([t](DspSettings& s) {
                    s.engine.amplitudes[size_t(t)] += 1.0f / 4096.0f;
                    return std::vector<dsp::ParameterError>();
                });
        });
    for (auto& e : editors) e.join();
    for (int t = 0; t < kThreads; ++t)
        EXPECT_EQ(engine.engineParameters().amplitudes[size_t(t)], kSteps / 4096.0f) << t;
}

TEST(AudioEngine, StatusSaysTheStreamStateAndThatFlushToZeroTookEffect) {
    AudioEngine engine;
    ASSERT_FALSE(engine.configure(virtualConfig(256)));
    AudioStatus s = engine.status();
    EXPECT_EQ(s.state, StreamState::Stopped);
    EXPECT_FALSE(s.flushToZero);
    ASSERT_FALSE(engine.start());
    ASSERT_TRUE(test::waitFor([&] { return engine.status().callbackCount > 2; }, 3000));
    s = engine.status();
    EXPECT_EQ(s.state, StreamState::Running);
    ASSERT_TRUE(s.flushToZero);
    EXPECT_TRUE(*s.flushToZero);
    // The virtual device says whether its clock thread got real-time priority (either answer
    // is possible here: it depends on the machine's rtprio limit).
    EXPECT_TRUE(s.stream.realtimePriority.has_value());
    engine.stop();
    EXPECT_EQ(engine.status().state, StreamState::Stopped);
    EXPECT_TRUE(engine.status().lastError.isEmpty());
}
