#pragma once

// For test callbacks that block on the audio thread on purpose (a simulated late client): in the
// RealtimeSanitizer build (scripts/sanitize.sh rtsan) the blocking call would otherwise abort
// the test. Elsewhere the runtime is not linked, its weak symbols are null and this does nothing.
extern "C" {
void __rtsan_off() __attribute__((weak));
void __rtsan_on() __attribute__((weak));
}

namespace soundlab::test {

// True in the RealtimeSanitizer build only.
inline bool realtimeSanitizerLinked() {
    return __rtsan_off != nullptr;
}

class DeliberateStall {
public:
    DeliberateStall() noexcept {
        if (__rtsan_off) __rtsan_off();
    }
    ~DeliberateStall() {
        if (__rtsan_on) __rtsan_on();
    }
    DeliberateStall(const DeliberateStall&) = delete;
    DeliberateStall& operator=(const DeliberateStall&) = delete;
};

}  // namespace soundlab::test
