#pragma once

#include <QString>
#include <array>
#include <optional>

namespace soundlab {

// Options of the built-in virtual device (SPEC §1).
struct VirtualDeviceOptions {
    // Test signal fed to the input: "sine:FREQ", "noise", "silence" or "file:PATH".
    QString input = QStringLiteral("sine:440");
    // The same for the device's second input channel (channel 1; --input-channel 1 picks it).
    QString secondInput = QStringLiteral("silence");
    // When set, the output (left channel) is looped back to input channel 0 after this many
    // samples (fractional allowed) and replaces its test signal.
    std::optional<double> loopbackDelaySamples;
    // The loop's gain (negative: inverted polarity) and white noise added to it, in dB below a
    // −6 dBFS sine (the level of the test signals and of the calibration probe). With either,
    // the loop ends in a converter that clips at full scale (±1). For latency calibration tests.
    double loopbackGain = 1.0;
    std::optional<double> loopbackSnrDb;
    // The virtual clock runs this many parts per million fast (+) or slow (-) against the host.
    double clockSkewPpm = 0.0;
    // When not empty, the stereo output is recorded to this WAV file (written by a helper thread).
    QString recordPath;
};

// What the user asked for. Device selectors are "auto", "virtual", a PortAudio index or a
// (case-insensitive, partial) device name; AudioEngine resolves them against the device list.
struct StreamConfig {
    QString inputDevice = QStringLiteral("auto");
    QString outputDevice = QStringLiteral("auto");
    int sampleRate = 48000;
    int blockSize = 512;
    // Which channel of the input device feeds the engine, counted from 0 (--input-channel).
    // Checked against the device's input channels when the stream opens.
    int inputChannel = 0;
    // With a host API that has its own period (JACK), follow it rather than blockSize:
    // a fixed PortAudio buffer on top would add one more buffer of latency.
    bool preferHostPeriod = true;
    VirtualDeviceOptions virtualDevice;

    static constexpr std::array<int, 3> kSampleRates{44100, 48000, 96000};
    static constexpr int kMinBlockSize = 64;
    static constexpr int kMaxBlockSize = 2048;

    static bool isSupportedSampleRate(int rate) {
        for (int r : kSampleRates)
            if (r == rate) return true;
        return false;
    }
    static bool isSupportedBlockSize(int frames) {
        return frames >= kMinBlockSize && frames <= kMaxBlockSize;
    }
};

}  // namespace soundlab
