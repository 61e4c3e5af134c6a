#pragma once

#include <atomic>
#include <vector>

namespace soundlab {

// A signal to play on both outputs while the input is recorded, in step, sample for sample.
// The control thread allocates it and hands a pointer to the audio thread; the audio thread
// fills `capture` and sets `done`; the control thread reads the capture only after `done`.
struct LoopbackProbe {
    std::vector<float> signal;   // played from the first sample of the next block
    std::vector<float> capture;  // input recorded over the same samples; its size sets the length
    size_t position = 0;         // audio thread only
    std::atomic<bool> done{false};
};

}  // namespace soundlab
