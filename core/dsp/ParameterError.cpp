#include "dsp/ParameterError.h"

#include <sstream>
#include <utility>

namespace soundlab::dsp {

ParameterError makeRangeError(std::string field, double value, double min, double max,
                              std::string_view unit) {
    std::ostringstream message;
    message << field << " must be within [" << min << ", " << max << "]";
    if (!unit.empty()) message << ' ' << unit;
    message << " (got " << value << ")";
    return ParameterError{std::move(field), min, max, message.str()};
}

}  // namespace soundlab::dsp
