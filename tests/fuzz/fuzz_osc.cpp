// One UDP datagram's bytes to OscServer::handleDatagram, the function the server's receiving
// thread calls for every datagram: liblo's decoding, bundles (nested too), the address and
// argument checks, and the Φ settings and sensor samples applied to the running engine.

#include "FuzzSupport.h"
#include "api/OscServer.h"
#include "engine/AudioEngine.h"

#include <cstddef>
#include <cstdint>

namespace {

soundlab::AudioEngine* engine = nullptr;
soundlab::api::OscServer* osc = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    soundlab::fuzz::application();
    engine = new soundlab::AudioEngine;
    soundlab::StreamConfig config;
    config.inputDevice = config.outputDevice = QStringLiteral("virtual");
    if (engine->configure(config) || engine->start())
        soundlab::fuzz::fail("cannot start the virtual device");
    osc = new soundlab::api::OscServer(*engine);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    osc->handleDatagram(reinterpret_cast<const char*>(data), size);
    return 0;
}
