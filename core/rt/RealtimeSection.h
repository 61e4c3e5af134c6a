#pragma once

// The audio callback, marked for clang's RealtimeSanitizer (RTSan). While a RealtimeSection
// lives on a thread, the RTSan runtime aborts with a stack on any malloc, free, lock, sleep or
// I/O that thread makes. Only the RTSan test build links the runtime (scripts/sanitize.sh rtsan,
// docs/reliability.md); everywhere else the weak symbols stay null and a section costs two
// well-predicted branches, no call.
extern "C" {
void __rtsan_realtime_enter() __attribute__((weak));
void __rtsan_realtime_exit() __attribute__((weak));
}

namespace soundlab::rt {

// Brackets one block of audio work on the thread that does it (a backend's callback).
class RealtimeSection {
public:
    RealtimeSection() noexcept {
        if (__rtsan_realtime_enter) __rtsan_realtime_enter();
    }
    ~RealtimeSection() {
        if (__rtsan_realtime_exit) __rtsan_realtime_exit();
    }
    RealtimeSection(const RealtimeSection&) = delete;
    RealtimeSection& operator=(const RealtimeSection&) = delete;
};

}  // namespace soundlab::rt
