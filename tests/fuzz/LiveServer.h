#pragma once

// The server the network harnesses talk to, built as app/main.cpp builds it: the engine running
// the virtual device, the API on a free loopback port with the preset routes over a store in a
// temporary directory. Made once per fuzzing process (LLVMFuzzerInitialize) and never torn
// down: libFuzzer ends the process with exit().

#include "api/ApiServer.h"
#include "api/PresetRoutes.h"
#include "engine/AudioEngine.h"
#include "presets/AbComparator.h"
#include "presets/EnginePresetTarget.h"
#include "presets/PresetStore.h"

#include "FuzzSupport.h"

#include <QTemporaryDir>

namespace soundlab::fuzz {

struct LiveServer {
    LiveServer() {
        application();
        StreamConfig config;
        config.inputDevice = config.outputDevice = QStringLiteral("virtual");
        if (engine.configure(config) || engine.start()) fail("cannot start the virtual device");
        api::ApiServerOptions options;
        options.port = 0;
        // A truncated request is closed by the client's half-close; this only bounds the odd
        // request that still waits (a body announced but never sent on an open socket).
        options.http.requestTimeout = std::chrono::milliseconds(2'000);
        server = std::make_unique<api::ApiServer>(engine, options);
        for (api::Route& route : api::presetRoutes(store, ab, nullptr))
            server->addRoute(std::move(route));
        if (const auto error = server->start()) fail(qPrintable(*error));
    }

    QTemporaryDir dataDir;
    AudioEngine engine;
    presets::PresetStore store{{presets::PresetStore::directoryFor(dataDir.path()), nullptr, {}}};
    presets::EnginePresetTarget target{engine};
    presets::AbComparator ab{&target, nullptr};
    std::unique_ptr<api::ApiServer> server;
};

}  // namespace soundlab::fuzz
