#include "ControlRoom.h"

#include "AudioViewModel.h"
#include "EngineViewModel.h"
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
    : audio_(std::make_unique<AudioViewModel>(sources.backend)),
      engine_(std::make_unique<EngineViewModel>(sources.backend)),
      phi_(std::make_unique<PhiViewModel>(sources.backend)),
      metrics_(std::make_unique<MetricsViewModel>(sources.backend)),
      latency_(std::make_unique<LatencyViewModel>(sources.backend)),
      settings_(std::make_unique<SettingsViewModel>(sources.backend)),
      log_(std::make_unique<SessionLogViewModel>(sources.backend)),
      presets_(std::make_unique<PresetsViewModel>(sources.backend, sources.presetStore, sources.ab)),
      output_(std::make_unique<OutputViewModel>(sources.backend)) {
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
