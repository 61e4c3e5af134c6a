#pragma once

#include <QString>
#include <cstdint>
#include <optional>
#include <vector>

namespace soundlab {

// The virtual device's input: a sine, white noise, silence, or a decoded audio file (looped).
// generate() runs on the audio thread: no allocation, no I/O.
class TestSignal {
public:
    // Parses "sine:FREQ", "noise", "silence" or "file:PATH" (the file is decoded here, on the
    // calling thread, with QAudioDecoder). Returns an error message on failure.
    static std::optional<QString> create(const QString& spec, double sampleRate, TestSignal* out);

    // Checks a spec without decoding anything (a file must exist and be readable).
    static std::optional<QString> check(const QString& spec, double sampleRate);

    void generate(float* out, int frames);

    static constexpr float kLevel = 0.5f;  // -6 dBFS peak for sine and noise

private:
    enum class Kind { Sine, Noise, Silence, File };
    Kind kind_ = Kind::Silence;
    double phase_ = 0.0;           // sine phase in cycles
    double phaseIncrement_ = 0.0;  // cycles per sample
    uint32_t noiseState_ = 0x12345678u;
    std::vector<float> file_;  // decoded mono samples at the stream rate
    size_t filePosition_ = 0;
};

}  // namespace soundlab
