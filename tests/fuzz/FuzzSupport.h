#pragma once

#include <QCoreApplication>
#include <cstdio>
#include <cstdlib>

namespace soundlab::fuzz {

// The application object Qt's networking and the engine need; made once, never destroyed.
inline QCoreApplication& application() {
    static int argc = 1;
    static char name[] = "soundlab_fuzz";
    static char* argv[] = {name, nullptr};
    static QCoreApplication* app = new QCoreApplication(argc, argv);
    return *app;
}

// A harness that cannot set itself up: a crash, so that the run fails loudly.
[[noreturn]] inline void fail(const char* why) {
    std::fprintf(stderr, "fuzz harness: %s\n", why);
    std::abort();
}

}  // namespace soundlab::fuzz
