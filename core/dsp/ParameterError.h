#pragma once

#include <string>
#include <string_view>

namespace soundlab::dsp {

// One rejected parameter value, as the API reports it (422, naming the field and its range).
struct ParameterError {
    std::string field;  // JSON path of the value, e.g. "frequencies[3]" or "coupling_strength"
    double min = 0.0;   // allowed range, inclusive
    double max = 0.0;
    std::string message;  // e.g. "frequencies[3] must be within [0.01, 20] Hz (got 25)"
};

// Builds the error for `value` outside [min, max] (or not a finite number). `unit` may be empty.
ParameterError makeRangeError(std::string field, double value, double min, double max,
                              std::string_view unit);

}  // namespace soundlab::dsp
