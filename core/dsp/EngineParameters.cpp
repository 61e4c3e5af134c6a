#include "dsp/EngineParameters.h"

#include <cmath>
#include <string>

namespace soundlab::dsp {

namespace {

// Compared in float, the type the values travel in: 0.01 parsed into a float is 0.0099999998.
bool withinRange(float value, double min, double max) {
    return std::isfinite(value) && value >= static_cast<float>(min) &&
           value <= static_cast<float>(max);
}

void checkArray(const std::array<float, kFieldChannels>& values, const char* name, double min,
                double max, std::string_view unit, std::vector<ParameterError>& errors) {
    for (int k = 0; k < kFieldChannels; ++k) {
        if (!withinRange(values[k], min, max)) {
            errors.push_back(makeRangeError(std::string(name) + '[' + std::to_string(k) + ']',
                                            values[k], min, max, unit));
        }
    }
}

}  // namespace

std::vector<ParameterError> EngineParameters::validate(const EngineParameters& parameters) {
    std::vector<ParameterError> errors;
    checkArray(parameters.frequencies, "frequencies", kMinFrequencyHz, kMaxFrequencyHz, "Hz",
               errors);
    checkArray(parameters.amplitudes, "amplitudes", 0.0, 1.0, "", errors);
    if (!withinRange(parameters.couplingStrength, 0.0, kMaxCouplingStrength)) {
        errors.push_back(makeRangeError("coupling_strength", parameters.couplingStrength, 0.0,
                                        kMaxCouplingStrength, ""));
    }
    if (!withinRange(parameters.gain, 0.0, kMaxGain)) {
        errors.push_back(makeRangeError("gain", parameters.gain, 0.0, kMaxGain, ""));
    }
    return errors;
}

}  // namespace soundlab::dsp
