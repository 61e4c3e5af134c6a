#pragma once

#include "phi/PhiTypes.h"

namespace soundlab::phi {

// `manual`: depth and phase exactly as set (API, GUI, presets). Audio thread.
class ManualSource {
public:
    void set(double depth, double phase) noexcept { out_ = {wrapPhase(phase), depth}; }
    Output output() const noexcept { return out_; }

private:
    Output out_{0.0, dsp::kPhi - 1.0};
};

}  // namespace soundlab::phi
