#pragma once

#include "ApiTestSupport.h"
#include "api/ApiServer.h"
#include "engine/AudioEngine.h"

#include <gtest/gtest.h>

#include <memory>

namespace soundlab::api::test {

// The common set-up of the route tests: the API on a free loopback port over an engine that runs
// the virtual device, and an HTTP client for it.
class VirtualDeviceApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        qtApp();
        ASSERT_FALSE(engine.configure(streamConfig()));
        ASSERT_FALSE(engine.start());
        ApiServerOptions options;
        options.port = 0;
        server = std::make_unique<ApiServer>(engine, options);
        ASSERT_FALSE(server->start());
        http = std::make_unique<HttpClient>(server->url());
    }
    void TearDown() override {
        server.reset();
        engine.stop();
    }
    // The virtual device with its defaults; a test that needs a loopback or another block size
    // says so here.
    virtual StreamConfig streamConfig() const {
        StreamConfig config;
        config.inputDevice = config.outputDevice = QStringLiteral("virtual");
        return config;
    }

    AudioEngine engine;
    std::unique_ptr<ApiServer> server;
    std::unique_ptr<HttpClient> http;
};

}  // namespace soundlab::api::test
