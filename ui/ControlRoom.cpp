#include "ControlRoom.h"

#include "AudioViewModel.h"
#include "EngineViewModel.h"
#include "GuiApiClient.h"
#include "LatencyViewModel.h"
#include "MetricsViewModel.h"
#include "OutputViewModel.h"
#include "PhiViewModel.h"
#include "PresetsViewModel.h"
#include "SessionLogViewModel.h"
#include "SettingsViewModel.h"

#include <QQuickWindow>

namespace soundlab {

ControlRoom::ControlRoom(const ControlRoomSources& sources)
    : audio_(std::make_unique<AudioViewModel>(sources.gui)),
      engine_(std::make_unique<EngineViewModel>(sources.gui)),
      phi_(std::make_unique<PhiViewModel>(sources.gui)),
      metrics_(std::make_unique<MetricsViewModel>(sources.metrics)),
      latency_(std::make_unique<LatencyViewModel>(sources.gui, sources.latency)),
      settings_(std::make_unique<SettingsViewModel>(sources.settings)),
      log_(std::make_unique<SessionLogViewModel>(sources.gui)),
      presets_(std::make_unique<PresetsViewModel>(sources.presetStore, sources.ab)),
      output_(std::make_unique<OutputViewModel>(sources.gui)) {
    if (sources.oscCounters) phi_->setOscCounters(sources.oscCounters);
    if (sources.deviceChosen) audio_->setDeviceChosen(sources.deviceChosen);
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
                               {QStringLiteral("output"), QVariant::fromValue(output_.get())}});
    qml_.load(QUrl(QStringLiteral("qrc:/Soundlab/Main.qml")));
    return window();
}

QQuickWindow* ControlRoom::window() const {
    const QList<QObject*> roots = qml_.rootObjects();
    return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow*>(roots.first());
}

}  // namespace soundlab
