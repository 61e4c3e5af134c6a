#include "ControlRoom.h"

#include "AudioViewModel.h"
#include "EngineViewModel.h"
#include "LatencyViewModel.h"
#include "LinkViewModel.h"
#include "MetricsViewModel.h"
#include "OutputViewModel.h"
#include "PhiViewModel.h"
#include "PresetsViewModel.h"
#include "RemoteBackend.h"
#include "SessionLogViewModel.h"
#include "SettingsViewModel.h"

#include <QQuickWindow>

namespace soundlab {

namespace {
std::unique_ptr<LinkViewModel> linkFor(const ControlRoomSources& sources) {
    if (auto* remote = qobject_cast<RemoteBackend*>(&sources.backend))
        return std::make_unique<LinkViewModel>(*remote);
    return std::make_unique<LinkViewModel>(sources.localApi);
}
}  // namespace

ControlRoom::ControlRoom(const ControlRoomSources& sources)
    : link_(linkFor(sources)),
      audio_(std::make_unique<AudioViewModel>(sources.backend)),
      engine_(std::make_unique<EngineViewModel>(sources.backend)),
      phi_(std::make_unique<PhiViewModel>(sources.backend)),
      metrics_(std::make_unique<MetricsViewModel>(sources.backend)),
      latency_(std::make_unique<LatencyViewModel>(sources.backend)),
      settings_(std::make_unique<SettingsViewModel>(sources.backend)),
      log_(std::make_unique<SessionLogViewModel>(sources.backend)),
      presets_(std::make_unique<PresetsViewModel>(sources.backend)),
      output_(std::make_unique<OutputViewModel>(sources.backend)) {
    if (sources.deviceChosen) audio_->setDeviceChosen(sources.deviceChosen);
    // The link came (back) up or missed events: read everything again, the documents read
    // only once too (settings, presets, the metrics history).
    QObject::connect(link_.get(), &LinkViewModel::resync, link_.get(), [this](bool reconnected) {
        audio_->reload();
        engine_->refresh();
        phi_->refresh();
        phi_->refreshMidiPorts();
        // A restarted box counts its frames from 1 again: the chart starts over.
        if (reconnected) metrics_->reload();
        latency_->refresh();
        settings_->refresh();
        presets_->refresh();
        output_->refresh();
    });
}

ControlRoom::~ControlRoom() = default;

QQuickWindow* ControlRoom::load() {
    qml_.setInitialProperties({{QStringLiteral("audio"), QVariant::fromValue(audio_.get())},
                               {QStringLiteral("engine"), QVariant::fromValue(engine_.get())},
                               {QStringLiteral("phi"), QVariant::fromValue(phi_.get())},
                               {QStringLiteral("metrics"), QVariant::fromValue(metrics_.get())},
                               {QStringLiteral("latency"), QVariant::fromValue(latency_.get())},
                               {QStringLiteral("settings"), QVariant::fromValue(settings_.get())},
                               {QStringLiteral("log"), QVariant::fromValue(log_.get())},
                               {QStringLiteral("presets"), QVariant::fromValue(presets_.get())},
                               {QStringLiteral("output"), QVariant::fromValue(output_.get())},
                               {QStringLiteral("link"), QVariant::fromValue(link_.get())}});
    qml_.load(QUrl(QStringLiteral("qrc:/Soundlab/Main.qml")));
    return window();
}

QQuickWindow* ControlRoom::window() const {
    const QList<QObject*> roots = qml_.rootObjects();
    return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow*>(roots.first());
}

}  // namespace soundlab
