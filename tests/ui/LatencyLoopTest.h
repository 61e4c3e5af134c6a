#pragma once

// The latency view-model's tests' fixture: the API server on the virtual device's loopback
// cable (1234.37 samples, 20 dB SNR, 256-frame blocks) and a LatencyViewModel over the server's
// own routes in-process, as the app has it (--no-logging).
#include "LatencyViewModel.h"
#include "LocalBackend.h"

#include "VirtualDeviceApiTest.h"

#include <memory>

namespace soundlab::test {

class LatencyLoopTest : public api::test::VirtualDeviceApiTest {
protected:
    static constexpr double kDelay = 1234.37;

    StreamConfig streamConfig() const override {
        StreamConfig config = VirtualDeviceApiTest::streamConfig();
        config.blockSize = 256;
        config.virtualDevice.loopbackDelaySamples = kDelay;
        config.virtualDevice.loopbackSnrDb = 20.0;
        return config;
    }
    void SetUp() override {
        VirtualDeviceApiTest::SetUp();
        gui = std::make_unique<LocalBackend>(server->routeTable().routes());
        vm = std::make_unique<LatencyViewModel>(*gui);
    }
    void TearDown() override {
        vm.reset();
        gui.reset();
        VirtualDeviceApiTest::TearDown();
    }

    std::unique_ptr<LocalBackend> gui;
    std::unique_ptr<LatencyViewModel> vm;
};

}  // namespace soundlab::test
